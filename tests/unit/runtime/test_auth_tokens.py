"""Token verification: only this service's issuers, asymmetric signatures from their JWKS, iss/aud/exp checked,
claims mapped to a principal of the issuer's partner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Unauthenticated
from cantiere_runtime.identity.issuers import IssuerSettings
from cantiere_runtime.identity.keys import mint_token, new_signing_key, public_jwks
from cantiere_runtime.identity.verify import TokenVerifier
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.support.identity import REFERRALS, TEST_ISSUERS

WORKER = Principal(user_id="sw-17", role=Role.SOCIAL_WORKER, partner="bari", district="municipio-2")
OLD_SECRET = "cantiere-development-only-secret-change-me"


def bari_verifier(**extra: Any) -> TokenVerifier:
    return TokenVerifier([IssuerSettings(**TEST_ISSUERS.issuer("bari", REFERRALS, **extra))])


async def test_a_token_of_the_partners_issuer_verifies_to_the_same_principal() -> None:
    assert await bari_verifier().verify(TEST_ISSUERS.token(WORKER, REFERRALS)) == WORKER


async def test_an_expired_token_is_refused_in_plain_words() -> None:
    old = TEST_ISSUERS.token(WORKER, REFERRALS, now=datetime.now(UTC) - timedelta(days=2), ttl=timedelta(hours=1))
    with pytest.raises(Unauthenticated) as err:
        await bari_verifier().verify(old)
    assert "scaduta" in err.value.message_it and "expired" in err.value.message_en


async def test_a_token_of_another_partners_issuer_is_refused_even_with_matching_claims() -> None:
    mola_says_bari = TEST_ISSUERS.token(WORKER, REFERRALS, issuer_partner="mola-di-bari")
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify(mola_says_bari)


async def test_a_token_naming_the_trusted_issuer_but_signed_by_another_key_is_refused() -> None:
    forged = mint_token(new_signing_key(TEST_ISSUERS.key("bari").kid), WORKER, issuer=TEST_ISSUERS.url("bari"),
                        audience=REFERRALS)  # fmt: skip
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify(forged)


async def test_the_old_shared_secret_no_longer_signs_anything() -> None:
    claims = {"iss": TEST_ISSUERS.url("bari"), "aud": REFERRALS, "sub": "sw-17", "role": "social_worker",
              "partner": "bari", "exp": int((datetime.now(UTC) + timedelta(hours=1)).timestamp())}  # fmt: skip
    hs256 = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(OLD_SECRET))
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify(hs256)


async def test_a_token_for_another_service_or_naming_another_partner_is_refused() -> None:
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify(TEST_ISSUERS.token(WORKER, "cantiere-placements"))
    other_partner = TEST_ISSUERS.token(WORKER, REFERRALS, extra={"partner": "mola-di-bari"})
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify(other_partner)


async def test_garbage_and_unknown_roles_are_refused() -> None:
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify("not.a.token")
    with pytest.raises(Unauthenticated):
        await bari_verifier().verify(TEST_ISSUERS.token(WORKER, REFERRALS, extra={"role": "superuser"}))


async def test_an_issuer_may_be_limited_to_some_roles() -> None:
    manager = WORKER.model_copy(update={"role": Role.MUNICIPAL_MANAGER, "district": None})
    verifier = bari_verifier(roles=["social_worker"])
    assert (await verifier.verify(TEST_ISSUERS.token(WORKER, REFERRALS))).role is Role.SOCIAL_WORKER
    with pytest.raises(Unauthenticated):
        await verifier.verify(TEST_ISSUERS.token(manager, REFERRALS))


async def test_claims_are_mapped_from_the_idps_own_names() -> None:
    mapping = {"role": "realm_access.roles", "roles": {"assistente-sociale": "social_worker"},
               "district": "municipio", "partner": "ente"}  # fmt: skip
    keycloak_like = {"realm_access": {"roles": ["offline_access", "assistente-sociale"]}, "municipio": "municipio-2",
                     "role": None, "partner": None, "district": None}  # fmt: skip
    token = TEST_ISSUERS.token(WORKER, REFERRALS, extra=keycloak_like)
    assert await bari_verifier(claims=mapping).verify(token) == WORKER


async def test_an_unknown_kid_fetches_the_keys_once_more_and_accepts_the_rotated_key(tmp_path: Path) -> None:
    old, new = new_signing_key("2026-01"), new_signing_key("2026-02")
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(public_jwks(old)))
    issuer = IssuerSettings(partner="bari", issuer="https://id.bari.test", audience=REFERRALS, jwks_file=keys)
    verifier = TokenVerifier([issuer])
    assert await verifier.verify(mint_token(old, WORKER, issuer=issuer.issuer, audience=REFERRALS)) == WORKER
    assert verifier.cache(issuer.issuer).fetches == 1
    keys.write_text(json.dumps(public_jwks(old, new)))  # the IdP rotates its key
    assert await verifier.verify(mint_token(new, WORKER, issuer=issuer.issuer, audience=REFERRALS)) == WORKER
    assert verifier.cache(issuer.issuer).fetches == 2
    stranger = mint_token(new_signing_key("nobody"), WORKER, issuer=issuer.issuer, audience=REFERRALS)
    with pytest.raises(Unauthenticated):
        await verifier.verify(stranger)
    assert verifier.cache(issuer.issuer).fetches == 2  # no second fetch so soon: unknown kids cannot flood the IdP
