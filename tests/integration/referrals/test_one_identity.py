"""One person, one identity in a municipality: a tax code in any spelling is registered once, and the tokens
already on the bus are re-registered in canonical form (reissue-tokens) with no window in which a pair is missed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import nats
import pytest
from cantiere_events.codes import ErasureBasis
from cantiere_events.identifiers import OMOCODIC_LETTERS, keep_apart_token, token_aliases, typed_token
from cantiere_referrals.adapters.tables import people_by_token
from cantiere_referrals.adapters.vault import PersonalData, reads_of
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain.errors import TaxCodeAlreadyRegistered
from cantiere_referrals.service_layer.handlers import Keys
from cantiere_referrals.service_layer.reissue import Reissued, reissue_tokens
from cantiere_runtime.auth import Role
from cantiere_runtime.schema import outbox
from sqlalchemy import delete, select
from stdnum.it import codicefiscale

from .instance import WORKER, running
from .invented import tax_code
from .support import personal_data, principal

AUTHOR = tax_code("Oleandro", "Zampognaro", date(1979, 2, 28), female=False)
VICTIM = tax_code("Fiordaliso", "Quartarella", date(1990, 4, 17), female=True)


def variant(code: str, *positions: int) -> str:
    chars = list(code[:15])
    for p in positions:
        chars[p] = OMOCODIC_LETTERS[int(chars[p])]
    return "".join(chars) + codicefiscale.calc_check_digit("".join(chars))


def person(code: str) -> PersonalData:
    return PersonalData(**personal_data(tax_code=code))


async def test_a_tax_code_is_registered_once_in_any_spelling(tmp_path: Path, nats_url: str) -> None:
    async with running(tmp_path, nats_url) as bari:
        first = await bari.svc.register(WORKER, person(AUTHOR), {}, None)
        for spelling in (AUTHOR, variant(AUTHOR, 14), variant(AUTHOR, 6, 7, 9, 10, 12, 13, 14).lower()):
            with pytest.raises(TaxCodeAlreadyRegistered) as refused:
                await bari.svc.register(WORKER, person(spelling), {}, None)
            assert refused.value.existing_person_id == first  # named to the social worker who may see them
            assert refused.value.body()["person_id"] == first


async def test_a_social_worker_who_may_not_see_the_existing_person_is_refused_without_a_name(
    tmp_path: Path, nats_url: str
) -> None:
    async with running(tmp_path, nats_url) as bari:
        in_district_1 = principal(district="municipio-1")
        await bari.svc.register(in_district_1, person(AUTHOR), {}, None)
        with pytest.raises(TaxCodeAlreadyRegistered) as refused:
            await bari.svc.register(
                principal(district="municipio-2", user="sw-2"), person(variant(AUTHOR, 7)), {}, None
            )
        assert refused.value.existing_person_id is None and "person_id" not in refused.value.body()
        manager = principal(Role.MUNICIPAL_MANAGER, user="mm-1")
        with pytest.raises(TaxCodeAlreadyRegistered) as named:
            await bari.svc.register(manager, person(AUTHOR), {}, None)
        assert named.value.existing_person_id is not None


async def test_after_erasure_the_same_tax_code_may_open_a_new_file(tmp_path: Path, nats_url: str) -> None:
    async with running(tmp_path, nats_url) as bari:
        first = await bari.svc.register(WORKER, person(VICTIM), {}, None)
        await bari.svc.handle(WORKER, first, c.ErasePersonalData(basis=ErasureBasis.DATA_SUBJECT_REQUEST))
        second = await bari.svc.register(WORKER, person(variant(VICTIM, 13)), {}, None)
        assert second != first


async def test_two_municipalities_each_register_the_same_person(tmp_path: Path, nats_url: str) -> None:
    async with running(tmp_path, nats_url, "bari") as bari, running(tmp_path, nats_url, "capurso") as capurso:
        await bari.svc.register(WORKER, person(AUTHOR), {}, None)
        assert await capurso.svc.register(principal(partner="capurso"), person(variant(AUTHOR, 14)), {}, None)


@dataclass
class LegacyKeys(Keys):
    """The keys as they were before canonical forms: the code as written, no aliases, no typed links."""

    def token(self, tax_code: str) -> str:
        return typed_token(tax_code, self.programme_key)

    def aliases(self, tax_code: str) -> tuple[str, ...]:
        return ()

    def link_tokens(self, tax_codes: object) -> tuple[str, ...]:
        return tuple(typed_token(code, self.programme_key) for code in tax_codes)  # type: ignore[attr-defined]


async def test_reissue_publishes_canonical_tokens_for_every_person_and_kept_link(
    tmp_path: Path, nats_url: str, nc: nats.NATS
) -> None:
    async with running(tmp_path, nats_url) as bari:
        keys = bari.svc.keys
        bari.svc.keys = LegacyKeys(keys.programme_key, keys.key_id)
        # Before the upgrade: he was registered with his omocodic code as written, she keeps a link to him.
        his_code = variant(AUTHOR, 14)
        him = await bari.referred(tax_code=his_code)
        her = await bari.referred(tax_code=VICTIM)
        await bari.svc.record_constraints(WORKER, her, [his_code])
        async with bari.runtime.engine.begin() as conn:  # a database of before the upgrade has no index
            await conn.execute(delete(people_by_token))
        bari.svc.keys = keys

        seen: list[str] = []
        report = await reissue_tokens(bari.svc, progress=lambda pid, outcome: seen.append(f"{pid}:{outcome}"))
        assert report.checked == 2 and sorted(report.by_outcome[Reissued.UPDATED]) == sorted([him, her])
        assert len(seen) == 2
        again = await reissue_tokens(bari.svc)
        assert sorted(again.by_outcome[Reissued.CURRENT]) == sorted([him, her])  # nothing published twice

        key = keys.programme_key
        async with bari.runtime.engine.connect() as conn:
            queued = [(r.subject, json.loads(r.data)) for r in await conn.execute(select(outbox))]
            reads = await reads_of(conn, him)
        registrations = [d for s, d in queued if s.endswith(".KeepApartTokenRegistered")]
        his = [r for r in registrations if r["person_id"] == him]
        assert his[0]["token"] == typed_token(his_code, key) and not his[0].get("aliases")  # as it was
        assert his[-1]["token"] == keep_apart_token(AUTHOR, key)  # now the canonical token ...
        assert his[-1]["aliases"] == list(token_aliases(AUTHOR, key))  # ... which still covers the old one
        assert typed_token(his_code, key) in his[-1]["aliases"]
        constraints = [d for s, d in queued if s.endswith(".SafetyConstraintsRecorded")]
        assert keep_apart_token(AUTHOR, key) in constraints[-1]["keep_apart_tokens"]  # her link, canonical
        assert typed_token(his_code, key) in constraints[-1]["keep_apart_tokens"]  # and as typed, until retired
        assert {r["purpose"] for r in reads} >= {"token_reissue"}  # the tax codes were read under audit
        with pytest.raises(TaxCodeAlreadyRegistered):  # and the index now refuses a second registration
            await bari.svc.register(WORKER, person(AUTHOR), {}, None)


async def test_links_are_canonical_and_typed_until_typed_tokens_are_retired(tmp_path: Path, nats_url: str) -> None:
    async with running(tmp_path, nats_url) as bari:
        her = await bari.register(tax_code=VICTIM)
        state = await bari.svc.record_constraints(WORKER, her, [variant(AUTHOR, 13)])
        key = bari.svc.keys.programme_key
        assert state.constraints is not None
        assert state.constraints.keep_apart_tokens == (
            keep_apart_token(AUTHOR, key),
            typed_token(variant(AUTHOR, 13), key),
        )
        bari.svc.keys.typed_link_tokens = False
        state = await bari.svc.record_constraints(WORKER, her, [variant(AUTHOR, 13)])
        assert state.constraints is not None and state.constraints.keep_apart_tokens == (keep_apart_token(AUTHOR, key),)
