"""An operator's command on a candidate while the intake appends the municipality's news to the same stream: the
command is decided again on the news, never answered with a conflict nobody caused (a refusal only if it no
longer holds).

The intake runs for real and at the same time as the operator, in its own transaction (as the projector runs
it). On PostgreSQL the news commits between the operator's load and append, so the operator's append meets it
and the handler decides again. On SQLite a unit of work takes the write lock when it begins: the news waits for
the operator's commit and lands after it, so there is nothing to decide again, and nothing to refuse either.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import date
from typing import Any, TypeVar

import pytest
from cantiere_events.codes import ConsentScope, LegalBasis
from cantiere_events.referrals import ConsentRecorded
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.unit import candidate_id
from cantiere_runtime.db import is_sqlite
from cantiere_runtime.store import ConcurrencyError, EventStore
from cantiere_runtime.unit_of_work import UnitOfWork
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import FakeReferrals, on, uid
from .harness import Running, publish_referral, until
from .test_safety_over_nats import STAFF, publish
from .test_service_layer import consents, receive, service

T = TypeVar("T")
OPERATOR = "operator"
SCOPE = ConsentScope.SHARE_CONTACT_DETAILS


ACTING: ContextVar[str | None] = ContextVar("acting", default=None)  # which operator a task works for


def after_each_operators_first_load(
    monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], Awaitable[None]]
) -> Counter[str]:
    """Run ``meanwhile`` after each operator's first load (in ``as_operator``), the loads per operator."""
    real_load, loads = UnitOfWork.load, Counter[str]()

    async def load(self: UnitOfWork, decider: Any, aggregate_id: str) -> Any:
        loaded = await real_load(self, decider, aggregate_id)
        name = ACTING.get()
        if name is not None:
            loads[name] += 1
            if loads[name] == 1:
                await meanwhile()
        return loaded

    monkeypatch.setattr(UnitOfWork, "load", load)
    return loads


async def as_operator(name: str, work: Awaitable[T]) -> T:
    """Await ``work`` as the operator ``name`` (the tasks it starts, such as the web app's, inherit it)."""
    ACTING.set(name)
    return await work


async def candidate_now(engine: AsyncEngine, person: int) -> cand.Candidate:
    loaded = await EventStore(engine, REGISTRY).load(candidate_id(uid(person)))
    state = cand.candidate_decider.fold(r.event for r in loaded.events)
    assert state is not None
    return state


async def accept(svc: Placements, person: int) -> cand.Candidate:
    return await svc.candidate(uid(person), cand.AcceptReferral(), on(date(2008, 3, 3)))


async def test_accepting_while_the_intake_appends_news_decides_again_and_succeeds(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    operator_loaded, news_committed = asyncio.Event(), asyncio.Event()

    async def intake() -> None:
        await operator_loaded.wait()
        await consents(engine, 1, SCOPE, position=3)
        news_committed.set()

    async def while_the_news_arrives() -> None:
        operator_loaded.set()
        if not is_sqlite(engine):  # on SQLite the intake waits for the operator's write lock meanwhile
            await news_committed.wait()  # the news commits between the operator's load and append

    loads = after_each_operators_first_load(monkeypatch, while_the_news_arrives)
    accepted, _ = await asyncio.gather(as_operator(OPERATOR, accept(svc, 1)), intake())

    assert accepted.stage == "accepted"
    now = await candidate_now(engine, 1)
    assert now.stage == "accepted" and now.consented(SCOPE)
    assert loads[OPERATOR] == (1 if is_sqlite(engine) else 2)  # on PostgreSQL decided once more, on the news


async def test_a_command_that_no_longer_holds_after_the_news_is_refused_not_conflicted(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    both_loaded = asyncio.Barrier(2)

    async def the_other_operator_loads_too() -> None:
        if not is_sqlite(engine):  # on SQLite the second cannot load before the first commits
            await both_loaded.wait()

    loads = after_each_operators_first_load(monkeypatch, the_other_operator_loads_too)
    results = await asyncio.gather(
        as_operator(f"{OPERATOR}-a", accept(svc, 1)),
        as_operator(f"{OPERATOR}-b", accept(svc, 1)),
        return_exceptions=True,
    )

    # Another operator accepted the same referral meanwhile: decided again, it is accepted already, said in
    # plain words (a refusal), never "someone else changed this".
    assert sorted(type(r).__name__ for r in results) == ["Candidate", "WrongState"]
    assert not any(isinstance(r, ConcurrencyError) for r in results)
    assert sum(loads.values()) == (2 if is_sqlite(engine) else 3)  # on PostgreSQL the loser loaded twice


async def test_operators_and_the_intake_on_many_candidates_at_once_never_meet_a_conflict(
    engine: AsyncEngine,
) -> None:
    svc = await service(engine, FakeReferrals())
    people = range(1, 9)
    for n in people:
        await receive(engine, n, position=n)

    async def news(n: int) -> None:
        await consents(engine, n, SCOPE, position=100 + n)

    results = await asyncio.gather(
        *(accept(svc, n) for n in people), *(news(n) for n in people), return_exceptions=True
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    for n in people:
        now = await candidate_now(engine, n)
        assert now.stage == "accepted" and now.consented(SCOPE), n


async def test_an_operator_accepting_over_http_while_the_bus_brings_the_news_gets_no_conflict(
    service_on_each_database: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole service: the operator's accept has loaded the candidate when the municipality's consent is
    # published, and the service's own intake consumes it from the bus. On PostgreSQL the accept goes on only
    # once the intake has committed the news (the race of the issue); on SQLite the intake waits for it.
    service = service_on_each_database
    await publish_referral(service.nats_url, 1, scopes=())
    person_id = uid(1)
    store = service.app.state.runtime.store

    async def referred() -> bool:
        return (await service.http.get(f"/candidates/{person_id}", headers=STAFF)).status_code == 200

    await until(referred)
    before = (await store.load(candidate_id(person_id))).version

    async def the_bus_brings_the_news() -> None:
        given = ConsentRecorded(
            person_id=person_id, referral_id=uid(1001), scope=SCOPE, legal_basis=LegalBasis.CONSENT,
            form_version="2008-1", given_on=date(2008, 3, 2),
        )  # fmt: skip
        await publish(service.nats_url, given, 1, 2)
        if not is_sqlite(service.app.state.runtime.engine):

            async def the_intake_committed() -> bool:
                return (await store.load(candidate_id(person_id))).version > before

            await until(the_intake_committed)

    loads = after_each_operators_first_load(monkeypatch, the_bus_brings_the_news)
    answer = await asyncio.create_task(
        as_operator(OPERATOR, service.http.post(f"/candidates/{person_id}/accept", headers=STAFF))
    )

    assert answer.status_code == 200, answer.text
    assert loads[OPERATOR] == (1 if is_sqlite(service.app.state.runtime.engine) else 2)

    async def accepted_and_consented() -> bool:
        found = (await service.http.get(f"/candidates/{person_id}", headers=STAFF)).json()
        return found["stage"] == "accepted" and str(SCOPE) in found["consents"]

    assert await until(accepted_and_consented)
