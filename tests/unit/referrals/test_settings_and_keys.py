"""Keys of the referrals service: development keys never run in production, a vault key must be AES-256."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cantiere_referrals.adapters.vault import PersonalData, VaultKeyError, vault_key
from cantiere_referrals.bootstrap import load_settings
from pydantic import ValidationError

from tests.integration.referrals.support import personal_data
from tests.support.identity import production_sign_in


def test_production_refuses_the_development_vault_and_programme_keys() -> None:
    settings = load_settings(environment="production", **production_sign_in())
    with pytest.raises(ValueError, match="CANTIERE_VAULT_KEY"):
        settings.check_production()


def test_production_runs_with_its_own_keys() -> None:
    load_settings(
        environment="production",
        **production_sign_in(),
        vault_key=base64.b64encode(bytes(range(32))).decode(),
        programme_key="another-real-key",
    ).check_production()


def test_a_vault_key_must_be_32_bytes_of_base64() -> None:
    with pytest.raises(VaultKeyError):
        vault_key(base64.b64encode(b"too short").decode())
    with pytest.raises(VaultKeyError):
        vault_key("not base64 at all!")


def test_personal_data_never_show_in_their_repr_or_in_validation_errors() -> None:
    data = personal_data()
    assert "Quartarella" not in repr(PersonalData(**data)) and "Quartarella" not in str(PersonalData(**data))
    code = data["tax_code"]
    wrong = code[:-1] + ("Z" if code[-1] != "Z" else "A")
    with pytest.raises(ValidationError) as caught:
        PersonalData(**{**data, "tax_code": wrong})
    assert "codice fiscale non valido" in str(caught.value) and code[:-1] not in str(caught.value)


def test_each_municipality_of_a_process_reads_its_own_secret_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The compose naming: cantiere_municipality__<code with _>__vault_key / __database_url."""
    keys = {m: base64.b64encode(bytes([i]) * 32).decode() for i, m in enumerate(["capurso", "mola-di-bari"], 1)}
    for m, key in keys.items():
        name = m.replace("-", "_")
        (tmp_path / f"cantiere_municipality__{name}__vault_key").write_text(key + "\n")
        (tmp_path / f"cantiere_municipality__{name}__database_url").write_text(f"postgresql://{name}:pw@pg/{name}")
    (tmp_path / "cantiere_programme_key").write_text("a-programme-key")
    monkeypatch.setenv("CANTIERE_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("CANTIERE_MUNICIPALITIES", '["capurso", "mola-di-bari"]')
    monkeypatch.setenv("CANTIERE_MUNICIPALITY__MOLA_DI_BARI__VAULT_KEY_ID", "mola-1")  # not secret: environment
    settings = load_settings(environment="production", **production_sign_in())
    settings.check_production()
    mola = settings.for_municipality("mola-di-bari")
    assert mola.vault_key.get_secret_value() == keys["mola-di-bari"] and mola.vault_key_id == "mola-1"
    assert mola.database_url == "postgresql://mola_di_bari:pw@pg/mola_di_bari"
    assert settings.for_municipality("capurso").vault_key.get_secret_value() == keys["capurso"]
