"""The programme under test: its processes, tokens, and the steps each partner takes through the real APIs."""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
from cantiere_placements.domain.rules import add_months
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.identity.dev_users import audience_for
from cantiere_runtime.territory import TERRITORIES_DIR, territory_by_code
from nats.js.errors import NotFoundError

from tests.support.identity import TEST_ISSUERS

from .people import BARI, MOLA, Invented
from .processes import Fleet

TERRITORY = territory_by_code("bari-pilot")
CONSORTIUM = TERRITORY.partners.consortium.code
EMPLOYMENT_CENTRE = TERRITORY.partners.employment_centre.code
MONITORING = TERRITORY.partners.monitoring.code
THRESHOLD = TERRITORY.disclosure_threshold
PROGRAMME_KEY = secrets.token_hex(32)


def bearer(role: Role, partner: str, user: str, host_id: str | None = None) -> dict[str, str]:
    principal = Principal(user_id=user, role=role, partner=partner, host_id=host_id)
    return TEST_ISSUERS.bearer(principal, audience_for(TERRITORY, partner))


def trusting(*partners: str) -> dict[str, str]:
    """The environment of a service trusting these partners' test issuers."""
    issuers = [TEST_ISSUERS.issuer(p, audience_for(TERRITORY, p)) for p in partners]
    return {"CANTIERE_OIDC_ISSUERS": json.dumps(issuers)}


WORKER = {BARI: bearer(Role.SOCIAL_WORKER, BARI, "sw-bari-1"), MOLA: bearer(Role.SOCIAL_WORKER, MOLA, "sw-mola-1")}
MANAGER_BARI = bearer(Role.MUNICIPAL_MANAGER, BARI, "mm-bari-1")
OPERATOR = bearer(Role.PLACEMENT_OPERATOR, CONSORTIUM, "op-1")
OFFICER = bearer(Role.EMPLOYMENT_OFFICER, EMPLOYMENT_CENTRE, "cpi-1")
ANALYST = bearer(Role.ANALYST, MONITORING, "an-1")


def running_today(directory: Path, today: date) -> Path:
    """The Bari pilot's territory file with its programme period moved to run around ``today``.

    Events are stamped with the real clock, so the monitoring of this run reads the figures of a
    programme that is running now (two years either side), not of the 2007-2009 pilot.
    """
    text = (TERRITORIES_DIR / f"{TERRITORY.code}.yaml").read_text(encoding="utf-8")
    period = f"programme_period:\n  start: {today.year - 2}-01-01\n  end: {today.year + 2}-12-31\n"
    moved, replaced = re.subn(r"programme_period:\n(  .*\n)+", period, text)
    assert replaced == 1, "the territory file has one programme period"
    path = directory / "territory-running-today.yaml"
    path.write_text(moved, encoding="utf-8")
    return path


def start_programme(
    processes: Fleet,
    nats_url: str,
    today: date,
    municipalities: tuple[str, ...] = (BARI, MOLA),
    databases: dict[str, str] | None = None,
    **env: str,
) -> None:
    """Every service of the programme as a process (``env``: more CANTIERE_* settings for each; ``databases``: a
    database URL by service name, instead of a SQLite file in the fleet's directory)."""
    common = {"CANTIERE_NATS__URL": nats_url, "CANTIERE_TERRITORY": TERRITORY.code}
    common.update(env)

    def database(name: str) -> dict[str, str]:
        return {"CANTIERE_DATABASE_URL": databases[name]} if databases and name in databases else {}

    for municipality in municipalities:
        processes.start(municipality, "cantiere_referrals", {
            **common, **trusting(municipality), **database(municipality), "CANTIERE_PARTNER": municipality,
            "CANTIERE_PROGRAMME_KEY": PROGRAMME_KEY,
            "CANTIERE_VAULT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        })  # fmt: skip
    processes.start("placements", "cantiere_placements", {
        **common, **trusting(CONSORTIUM, EMPLOYMENT_CENTRE), **database("placements"), "CANTIERE_PARTNER": CONSORTIUM,
    })  # fmt: skip
    processes.start("monitoring", "cantiere_monitoring", {
        **common, **trusting(MONITORING), **database("monitoring"), "CANTIERE_PARTNER": MONITORING,
        "CANTIERE_TERRITORY_FILE": str(running_today(processes.directory, today)),
    })  # fmt: skip


class Api:
    """One service's HTTP API: every call must answer the expected status."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http, self.url = http, url

    async def call(self, method: str, path: str, headers: dict[str, str], body: Any = None, expect: int = 200) -> Any:
        answer = await self.http.request(method, f"{self.url}{path}", json=body, headers=headers)
        assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content and "json" in answer.headers.get("content-type", "") else answer.text

    async def post(self, path: str, headers: dict[str, str], body: Any = None, expect: int = 200) -> Any:
        return await self.call("POST", path, headers, body, expect)

    async def get(self, path: str, headers: dict[str, str], expect: int = 200) -> Any:
        return await self.call("GET", path, headers, None, expect)


async def refer(api: Api, person: Invented, keep_apart_from: list[str]) -> str:
    """A social worker registers the person, records consents, eligibility and constraints, and refers them."""
    worker = WORKER[person.municipality]
    body = {
        "personal_data": person.personal_data(),
        "district": person.district,
        "profile": {"education_level": "lower_secondary", "languages": ["it"], "availability": ["mornings"],
                    "preferred_sectors": ["56.10"], "care_needs": ["childcare"] if person.female else []},
    }  # fmt: skip
    person_id: str = (await api.post("/people", worker, body, expect=201))["id"]
    scopes = ["share_with_consortium", "aggregate_statistics", "minimal_data_to_host", "share_with_employment_centre"]
    scopes += ["share_contact_details"] if person.contact_consent else []
    for scope in scopes:
        await api.post(f"/people/{person_id}/consents", worker, {"scope": scope, "form_version": "2026-1"})
    service = "uepe" if person.category == "author_of_violence" else "anti_violence_centre"
    eligibility = {"taken_into_care_on": "2026-01-12", "category": person.category, "referring_service": service}
    await api.post(f"/people/{person_id}/eligibility", worker, eligibility)
    constraints = {"keep_apart_tax_codes": keep_apart_from, "max_hours_per_week": 30}
    file = await api.call("PUT", f"/people/{person_id}/safety-constraints", worker, constraints)
    assert file["has_safety_constraints"] is True
    await api.post(f"/people/{person_id}/referrals", worker, expect=201)
    return person_id


def internship_months(today: date) -> list[date]:
    """Three whole months that ended before today (the processes keep real time: see the report)."""
    first = today.replace(day=1)
    months = []
    for back in (3, 2, 1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def backdated_months(today: date) -> list[date]:
    """Three whole months that ended over a year ago: a historical case whose 12-month follow-up is due now."""
    return internship_months(add_months(today.replace(day=1), -13))


def ends_on(months: list[date]) -> date:
    """The last day of an internship over these months."""
    last = months[-1]
    return last.replace(day=monthrange(last.year, last.month)[1])


async def run_internship(api: Api, placement_id: str, host_id: str, tutor_id: str, months: list[date]) -> None:
    """From the accepted proposal to three months of attendance closed by the host's tutor, allowances paid."""
    p = f"/placements/{placement_id}"
    await api.post(f"{p}/accept", OPERATOR, {"party": "person"})
    await api.post(f"{p}/accept", OPERATOR, {"party": "host"})
    # Signed before the first month: a training project may not start before its agreement.
    signed_on = months[0] - timedelta(days=10)
    await api.post(f"{p}/agreement", OPERATOR, {"agreement_id": str(uuid.uuid4()), "signed_on": signed_on.isoformat()})
    await api.post(f"{p}/training-project", OPERATOR, {
        "objectives": ["kitchen.basic"], "promoter_tutor_id": str(uuid.uuid4()), "host_tutor_id": tutor_id,
        "hours_per_week": 20, "starts_on": months[0].isoformat(), "ends_on": ends_on(months).isoformat(),
        "monthly_allowance_cents": 60_000,
    })  # fmt: skip
    queue = await api.get("/validation-queue", OFFICER)
    assert placement_id in [q["placement_id"] for q in queue]
    await api.post(f"{p}/validate", OFFICER)
    await api.post(f"{p}/notices", OPERATOR, {"kind": "start", "reference_number": f"CO-{placement_id[:8]}-S"})
    await api.post(f"{p}/start", OPERATOR, {"started_on": months[0].isoformat()})
    tutor = bearer(Role.COMPANY_TUTOR, CONSORTIUM, f"tutor-{host_id[:8]}", host_id=host_id)
    for first in months:
        month = first.strftime("%Y-%m")
        await api.post(f"{p}/attendance", tutor, {"month": month, "planned_hours": "80", "attended_hours": "72"})
        await api.post(f"{p}/allowances/{month}/calculate", OPERATOR)
        paid = await api.post(f"{p}/allowances/{month}/pay", OPERATOR)
        assert paid["allowances"][month] == 60_000  # 90% attendance: the whole minimum allowance


async def finish(api: Api, placement_id: str, outcome: str, ended_on: date | None = None) -> list[str]:
    """Completion, attestation, follow-ups and closure; answers the follow-up refusals.

    A case that ended today (real time) has no follow-up due: its path cannot be closed as completed, so it
    is closed for another reason. A case that ended ``ended_on``, over a year ago, records each follow-up
    on its due day and is closed as a completed path.
    """
    p = f"/placements/{placement_id}"
    contract = {"hired": "fixed_term"}.get(outcome)
    completion = {"outcome": outcome, "contract_type": contract}
    if ended_on is not None:
        completion["completed_on"] = ended_on.isoformat()
    await api.post(f"{p}/complete", OPERATOR, completion)
    await api.post(f"{p}/attestation", OPERATOR, {"competences": ["kitchen.basic"]})
    await api.post(f"{p}/notices", OPERATOR, {"kind": "end", "reference_number": f"CO-{placement_id[:8]}-E"})
    refusals = []
    for after in (3, 6, 12):  # completed today: none is due yet, and the 6 and 12 wait for the 3
        body: dict[str, Any] = {"after_months": after, "employed": outcome == "hired", "contract_type": contract}
        if ended_on is not None:
            body["recorded_on"] = add_months(ended_on, after).isoformat()
        answer = await api.http.post(f"{api.url}{p}/follow-ups", json=body, headers=OPERATOR)
        if answer.status_code != 200:
            assert answer.status_code == 409, answer.text
            refusals.append(answer.json()["message_en"])
    if refusals:
        early = await api.post(f"{p}/close", OPERATOR, {"reason": "path_completed"}, expect=409)
        assert "after every follow-up" in early["message_en"], early
    closed = await api.post(f"{p}/close", OPERATOR, {"reason": "other" if refusals else "path_completed"})
    assert closed["status"] == "closed"
    assert closed["follow_ups"] == ([] if refusals else [3, 6, 12]), closed
    return refusals


async def bus_messages(nats_url: str) -> list[tuple[str, str, bytes, dict[str, str]]]:
    """Every message of the public and restricted streams: (stream, subject, data, headers)."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    found: list[tuple[str, str, bytes, dict[str, str]]] = []
    try:
        for stream in (PUBLIC_STREAM.name, RESTRICTED_STREAM.name):
            state = (await js.stream_info(stream)).state
            for seq in range(state.first_seq, state.last_seq + 1):
                try:
                    msg = await js.get_msg(stream, seq)
                except NotFoundError:
                    continue
                found.append((stream, msg.subject or "", msg.data or b"", dict(msg.headers or {})))
    finally:
        await nc.close()
    return found


def leaks(text: str, values: list[str]) -> list[str]:
    lowered = text.lower()
    return [v for v in values if v.lower() in lowered]


async def clearance(nats_url: str, municipality: str, person_id: str, vat: str, tokens: list[str]) -> bool:
    """Ask a referrals service over NATS, as the consortium does, whether the person may be placed at a host."""
    nc = await nats.connect(nats_url)
    try:
        body = {"person_id": person_id, "host_vat": vat, "municipality": BARI, "tokens_at_host": tokens}
        reply = await nc.request(f"cantiere.rpc.referrals.{municipality}.clearance", json.dumps(body).encode(), 5)
        return bool(json.loads(reply.data)["cleared"])
    finally:
        await nc.close()


async def restricted_consumed(nats_url: str) -> bool:
    """Whether the consortium's intake has read every restricted message (constraints and tokens)."""
    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().consumer_info(RESTRICTED_STREAM.name, f"placements-{CONSORTIUM}-intake-restricted")
        return info.num_pending == 0 and info.num_ack_pending == 0 and info.delivered.stream_seq > 0
    except NotFoundError:
        return False
    finally:
        await nc.close()
