"""Retention periods per instance: CANTIERE_RETENTION__*, whole days above zero, set explicitly in production."""

from __future__ import annotations

import pytest
from cantiere_referrals.bootstrap import load_settings
from cantiere_referrals.domain.retention import RetentionPolicy
from pydantic import ValidationError

from tests.support.identity import production_sign_in

PRODUCTION = {
    "environment": "production",
    **production_sign_in(),
    "vault_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "programme_key": "another-real-key",
}


def test_the_periods_come_from_nested_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANTIERE_RETENTION__AFTER_REFERRAL_ENDED_DAYS", "730")
    monkeypatch.setenv("CANTIERE_RETENTION__NEVER_REFERRED_DAYS", " 180 ")
    settings = load_settings()
    assert settings.retention.policy() == RetentionPolicy(after_referral_ended_days=730, never_referred_days=180)
    assert settings.retention.explicit


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "thirty", "", "true"])
def test_a_period_that_is_not_whole_days_above_zero_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CANTIERE_RETENTION__NEVER_REFERRED_DAYS", value)
    with pytest.raises(ValidationError) as caught:
        load_settings()
    message = str(caught.value)
    assert "CANTIERE_RETENTION__NEVER_REFERRED_DAYS" in message
    assert "numero intero di giorni maggiore di zero" in message and "whole number of days greater than zero" in message


def test_an_unknown_retention_key_is_refused_rather_than_ignored() -> None:
    with pytest.raises(ValidationError, match="closed_days"):
        load_settings(retention={"closed_days": 10})


def test_the_placeholder_defaults_are_enough_outside_production() -> None:
    settings = load_settings(environment="development")
    assert not settings.retention.explicit
    settings.check_retention()


def test_production_refuses_erasing_by_retention_with_the_placeholder_periods() -> None:
    with pytest.raises(ValueError, match=r"responsabile della protezione dei dati.*data protection officer"):
        load_settings(**PRODUCTION).check_retention()
    with pytest.raises(ValueError, match="CANTIERE_RETENTION__NEVER_REFERRED_DAYS"):
        load_settings(**PRODUCTION, retention={"after_referral_ended_days": 3650}).check_retention()


def test_production_erases_by_retention_once_the_officer_set_both_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANTIERE_RETENTION__AFTER_REFERRAL_ENDED_DAYS", "1825")  # the default value, set on purpose
    monkeypatch.setenv("CANTIERE_RETENTION__NEVER_REFERRED_DAYS", "365")
    load_settings(**PRODUCTION).check_retention()
