"""One referrals process for several municipalities (an ambito): each keeps its own database, vault key and
retention, so each is served as if it ran alone.

``CANTIERE_MUNICIPALITIES`` lists the municipalities a process serves (JSON list; empty: just
``CANTIERE_PARTNER``, the default); ``CANTIERE_PARTNER`` then names the process (e.g. the ambito). Each
municipality's own settings come from ``CANTIERE_MUNICIPALITY__<CODE>__DATABASE_URL``, ``__VAULT_KEY``,
``__VAULT_KEY_ID``, ``__VAULT_OLD_KEYS``, ``__RETENTION__...`` (``-`` in a code may be written ``_``). In
development a missing database URL is derived from the process's SQLite file and the development vault key is
shared; production refuses both.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr

RETENTION_FIELDS = ("after_referral_ended_days", "never_referred_days")


class MunicipalitySettings(BaseModel):
    """What one municipality of a shared process sets for itself."""

    model_config = ConfigDict(extra="forbid")

    database_url: str | None = None
    vault_key: SecretStr | None = None
    vault_key_id: str | None = None
    vault_old_keys: SecretStr | None = None
    retention: dict[str, int] | None = None  # the RetentionSettings fields


def code_key(code: str) -> str:
    """The key of a municipality in ``CANTIERE_MUNICIPALITY__...`` (environment keys come lower-cased)."""
    return code.lower().replace("_", "-")


def derived_sqlite_url(url: str, municipality: str) -> str | None:
    """``sqlite:///var/db/referrals.db`` -> ``sqlite:///var/db/referrals-<municipality>.db`` (None: not SQLite)."""
    if not url.startswith("sqlite"):
        return None
    stem, dot, suffix = url.rpartition(".")
    return f"{stem}-{municipality}.{suffix}" if dot and "/" not in suffix else f"{url}-{municipality}"
