"""Helpers for the referrals tests: settings of a test instance, tokens, and an invented person's payload."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from cantiere_referrals.bootstrap import Settings, load_settings
from cantiere_runtime.auth import Principal, Role

from tests.support.identity import REFERRALS, TEST_ISSUERS

from .invented import tax_code


def settings(tmp_path: Path, partner: str = "bari", nats_url: str | None = None, **extra: Any) -> Settings:
    """A test instance of one municipality, with its own SQLite file."""
    values: dict[str, Any] = {
        "partner": partner,
        "database_url": f"sqlite:///{tmp_path / f'{partner}.db'}",
        "environment": "test",
        "oidc_issuers": [TEST_ISSUERS.issuer(partner, REFERRALS)],
        "log_format": "json",
        **extra,
    }
    if nats_url:
        values["nats"] = {"url": nats_url}
    return load_settings(**values)


def principal(
    role: Role = Role.SOCIAL_WORKER, partner: str = "bari", district: str | None = None, user: str = "sw-1"
) -> Principal:
    return Principal(user_id=user, role=role, partner=partner, district=district)


def bearer(
    role: Role = Role.SOCIAL_WORKER, partner: str = "bari", district: str | None = None, user: str = "sw-1"
) -> dict[str, str]:
    return TEST_ISSUERS.bearer(principal(role, partner, district, user), REFERRALS)


INVENTED = {
    "first_name": "Fiordaliso",
    "surname": "Quartarella",
    "birth_date": date(1990, 4, 17),
    "gender": "female",
    "phone": "+39 333 000 1111",
    "email": "fiordaliso.quartarella@example.invalid",
    "home_address": "Via delle Ortensie Immaginarie 7, Bari",
    "notes": "Segnalata dal centro antiviolenza Girasole Inventato",
}


_births = itertools.count(1)


def personal_data(**overrides: Any) -> dict[str, Any]:
    """An invented person's identity, with a generated valid tax code: a new one at each call (another place of
    birth), since a municipality refuses to register one tax code twice."""
    data = {**INVENTED, **overrides}
    place = f"Z{next(_births) % 1000:03d}"  # Belfiore-shaped codes of invented places
    data["tax_code"] = overrides.get("tax_code") or tax_code(
        data["first_name"], data["surname"], data["birth_date"], female=data["gender"] == "female", place=place
    )
    data["birth_date"] = data["birth_date"].isoformat()
    return data


def sensitive_values(data: dict[str, Any]) -> list[str]:
    """Every vault value, as it could appear in a message or a log."""
    return [str(v) for k, v in data.items() if k != "gender" and v]
