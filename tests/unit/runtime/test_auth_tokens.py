"""Development tokens: minted and verified, refused when expired, forged or malformed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cantiere_runtime.auth import Principal, Role, mint_token, verify_token
from cantiere_runtime.errors import Unauthenticated

SECRET = "test-secret-of-at-least-32-bytes-long!!"
WORKER = Principal(user_id="sw-17", role=Role.SOCIAL_WORKER, partner="bari", district="municipio-2")


def test_a_minted_token_verifies_to_the_same_principal() -> None:
    assert verify_token(SECRET, mint_token(SECRET, WORKER)) == WORKER


def test_an_expired_token_is_refused_in_plain_words() -> None:
    old = mint_token(SECRET, WORKER, now=datetime.now(UTC) - timedelta(days=2), ttl=timedelta(hours=1))
    with pytest.raises(Unauthenticated) as err:
        verify_token(SECRET, old)
    assert "scaduta" in err.value.message_it and "expired" in err.value.message_en


def test_a_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        verify_token(SECRET, mint_token("another-secret-that-is-also-long-enough", WORKER))


def test_garbage_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        verify_token(SECRET, "not.a.token")
