"""Steady command load on a municipality's referrals service: invented people registered and referred.

In process, through the service layer (``tests/integration/referrals/instance.py``); or over HTTP
against a service process, through the programme's API helper and its one token helper.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from datetime import date, timedelta

import httpx
from cantiere_events.codes import ConsentScope, EligibilityCategory, ReferringService
from cantiere_referrals.domain import commands as c

from tests.e2e.programme import WORKER
from tests.integration.referrals.instance import WORKER as IN_PROCESS_WORKER
from tests.integration.referrals.instance import Instance
from tests.integration.referrals.invented import tax_code

from .ledger import Tally

ROUNDS = max(1, int(os.environ.get("CANTIERE_FAULT_ROUNDS", "1")))
"""How many times each fault is repeated: 1 in ``make test``, more in ``make faults``."""

_people = itertools.count(1)


def invented_identity() -> dict[str, str]:
    """A new invented person (a new birth date each, so a new tax code: a municipality registers one once)."""
    n = next(_people)
    born = date(1950, 1, 1) + timedelta(days=n % 30_000)
    return {
        "first_name": "Ortensia",
        "surname": "Faultinventata",
        "tax_code": tax_code("Ortensia", "Faultinventata", born, female=True, place=f"Z{n // 30_000 % 1000:03d}"),
        "birth_date": born.isoformat(),
        "gender": "female",
        "phone": f"+39 333 {n % 1000:03d} {n % 10_000:04d}",
        "email": f"ortensia.{n}@example.invalid",
        "home_address": f"Via dei Guasti Inventati {n}, Bari",
        "notes": f"Nota inventata {n}",
    }


async def refer_in_process(instance: Instance, tally: Tally) -> None:
    """Register, consent, confirm eligibility and submit one person through the service layer."""
    svc = instance.svc
    identity = invented_identity()
    tally.sent += 1
    person = await instance.register(**{**identity, "birth_date": date.fromisoformat(identity["birth_date"])})
    tally.acknowledged.append(person)
    steps: list[c.Command] = [
        c.RecordConsent(scope=ConsentScope.SHARE_WITH_CONSORTIUM, form_version="1"),
        c.RecordConsent(scope=ConsentScope.AGGREGATE_STATISTICS, form_version="1"),
        c.ConfirmEligibility(
            taken_into_care_on=date(2026, 1, 5),
            category=EligibilityCategory.STALKING,
            referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
        ),
    ]
    for command in steps:
        tally.sent += 1
        await svc.handle(IN_PROCESS_WORKER, person, command)
        tally.acknowledged.append(person)
    tally.sent += 1
    await svc.submit(IN_PROCESS_WORKER, person)
    tally.acknowledged.append(person)


async def steady_in_process(instance: Instance, tally: Tally, stop: asyncio.Event, pace: float = 0.02) -> None:
    """Refer people one after another until ``stop``; the service never waits for NATS (outbox)."""
    while not stop.is_set():
        await refer_in_process(instance, tally)
        await asyncio.sleep(pace)


async def refer_over_http(http: httpx.AsyncClient, url: str, tally: Tally) -> None:
    """The same journey through the referrals HTTP API; a call that fails is sent but not acknowledged."""
    worker = WORKER["bari"]
    body = {"personal_data": invented_identity(), "district": "municipio-1", "profile": {"languages": ["it"]}}
    tally.sent += 1
    try:
        answer = await http.post(f"{url}/people", json=body, headers=worker)
    except httpx.TransportError:
        tally.refused += 1
        return
    if answer.status_code != 201:
        tally.refused += 1
        return
    person = answer.json()["id"]
    tally.acknowledged.append(person)
    calls = [
        (f"/people/{person}/consents", {"scope": "share_with_consortium", "form_version": "1"}),
        (f"/people/{person}/consents", {"scope": "aggregate_statistics", "form_version": "1"}),
        (
            f"/people/{person}/eligibility",
            {"taken_into_care_on": "2026-01-12", "category": "stalking", "referring_service": "anti_violence_centre"},
        ),
        (f"/people/{person}/referrals", None),
    ]
    for path, payload in calls:
        tally.sent += 1
        try:
            answer = await http.post(f"{url}{path}", json=payload, headers=worker)
        except httpx.TransportError:
            tally.refused += 1
            return
        if not answer.is_success:
            tally.refused += 1
            return
        tally.acknowledged.append(person)
