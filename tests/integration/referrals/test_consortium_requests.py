"""Request/reply for the consortium: contact details only under consent (audited), clearance yes/no only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nats
from cantiere_events import Producer
from cantiere_events.codes import ConsentScope
from cantiere_events.identifiers import keep_apart_token
from cantiere_events.subjects import request_subject
from cantiere_referrals.adapters.vault import reads_of
from cantiere_referrals.domain import commands as c

from .instance import WORKER, Instance, running
from .invented import PEOPLE, vat_number

REQUESTER = {"user_id": "op-9", "role": "placement_operator", "partner": "ati-cantiere"}


async def ask(nc: nats.NATS, partner: str, question: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = await nc.request(
        request_subject(Producer.REFERRALS, partner, question), json.dumps(body).encode(), timeout=3
    )
    return json.loads(reply.data)  # type: ignore[no-any-return]


async def contact(nc: nats.NATS, pid: str) -> dict[str, Any]:
    return await ask(nc, "bari", "contact-details", {"person_id": pid, "requested_by": REQUESTER})


async def test_contact_details_are_refused_without_consent_to_share_them(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        pid = await bari.referred(contact_consent=False)
        assert await contact(nc, pid) == {"status": "refused"}


async def test_contact_details_under_consent_are_answered_and_audited_with_the_requester(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        pid = await bari.referred(contact_consent=True)
        answer = await contact(nc, pid)
        assert answer["status"] == "ok" and answer["contact"]["surname"] == "Quartarella"
        assert set(answer["contact"]) == {"first_name", "surname", "phone", "email"}
        async with bari.runtime.engine.connect() as conn:
            trail = await reads_of(conn, pid)
        assert (trail[-1]["user_id"], trail[-1]["partner"], trail[-1]["purpose"]) == (
            "op-9",
            "ati-cantiere",
            "consortium_contact_request",
        )
        await bari.svc.handle(WORKER, pid, c.WithdrawConsent(scope=ConsentScope.SHARE_CONTACT_DETAILS))
        assert await contact(nc, pid) == {"status": "refused"}


async def _constrained(bari: Instance) -> str:
    pid = await bari.referred()
    await bari.svc.record_constraints(
        WORKER,
        pid,
        [PEOPLE["Oleandro Zampognaro"]],
        excluded_hosts=(vat_number(12),),
        excluded_municipalities=("triggiano",),
    )
    return pid


async def test_clearance_says_no_for_an_excluded_host_municipality_or_keep_apart_token_and_yes_otherwise(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        pid = await _constrained(bari)
        key = bari.svc.keys.programme_key
        other = keep_apart_token(PEOPLE["Ginestra Pervinchi"], key)
        kept_apart = keep_apart_token(PEOPLE["Oleandro Zampognaro"], key)

        async def cleared(host: str, municipality: str, tokens: list[str]) -> dict[str, Any]:
            body = {"person_id": pid, "host_vat": host, "municipality": municipality, "tokens_at_host": tokens}
            return await ask(nc, "bari", "clearance", body)

        assert await cleared(vat_number(12), "capurso", []) == {"cleared": False}
        assert await cleared(vat_number(13), "triggiano", []) == {"cleared": False}
        assert await cleared(vat_number(13), "capurso", [other, kept_apart]) == {"cleared": False}
        assert await cleared(vat_number(13), "capurso", [other]) == {"cleared": True}


async def test_clearance_fails_closed_for_an_unknown_person_or_a_malformed_request(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db):
        unknown = {
            "person_id": "00000000-0000-4000-8000-000000000000",
            "host_vat": vat_number(13),
            "municipality": "capurso",
        }
        assert await ask(nc, "bari", "clearance", unknown) == {"cleared": False}
        assert await ask(nc, "bari", "clearance", {"nonsense": True}) == {"cleared": False}
        assert await ask(nc, "bari", "contact-details", {"person_id": "x"}) == {"status": "refused"}
