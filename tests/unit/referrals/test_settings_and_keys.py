"""Keys of the referrals service: development keys never run in production, a vault key must be AES-256."""

from __future__ import annotations

import base64
import json
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


def test_production_refuses_an_old_vault_key_two_municipalities_share() -> None:
    own = {m: base64.b64encode(bytes([i]) * 32).decode() for i, m in enumerate(["triggiano", "capurso"], 1)}
    shared_old = json.dumps({"v0": base64.b64encode(b"x" * 32).decode()})
    municipality = {
        m: {"vault_key": f"k2:{key}", "vault_old_keys": shared_old, "database_url": f"postgresql://pg/{m}"}
        for m, key in own.items()
    }
    settings = load_settings(
        environment="production", **production_sign_in(), programme_key="a-programme-key",
        municipalities=list(own), municipality=municipality,
    )  # fmt: skip
    with pytest.raises(ValueError, match="its own vault key"):
        settings.check_production()
    municipality["capurso"]["vault_old_keys"] = "{}"
    load_settings(
        environment="production", **production_sign_in(), programme_key="a-programme-key",
        municipalities=list(own), municipality=municipality,
    ).check_production()  # fmt: skip


def test_production_refuses_the_development_vault_key_kept_as_an_old_key() -> None:
    from cantiere_referrals.bootstrap import DEV_VAULT_KEY

    settings = load_settings(
        environment="production", **production_sign_in(), programme_key="a-programme-key",
        vault_key="k2:" + base64.b64encode(bytes(range(32))).decode(), vault_old_keys=json.dumps({"v1": DEV_VAULT_KEY}),
    )  # fmt: skip
    with pytest.raises(ValueError, match="CANTIERE_VAULT_KEY"):
        settings.check_production()


def test_older_vault_keys_come_from_a_secret_file_as_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cantiere_referrals.bootstrap import keyring_of

    old = base64.b64encode(bytes([7]) * 32).decode()
    (tmp_path / "cantiere_vault_key").write_text("k2:" + base64.b64encode(bytes([9]) * 32).decode() + "\n")
    (tmp_path / "cantiere_vault_old_keys").write_text(json.dumps({"v1": old}) + "\n")
    monkeypatch.setenv("CANTIERE_SECRETS_DIR", str(tmp_path))
    keyring = keyring_of(load_settings())
    assert keyring.current_id == "k2" and keyring.ids == {"k2", "v1"}
