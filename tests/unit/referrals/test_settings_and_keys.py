"""Keys of the referrals service: development keys never run in production, a vault key must be AES-256."""

from __future__ import annotations

import base64

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
