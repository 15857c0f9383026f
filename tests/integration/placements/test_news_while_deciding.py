"""An operator's command on a candidate while the intake appends the municipality's news to the same stream: the
command is decided again on the news, never answered with a conflict nobody caused (a refusal only if it no
longer holds)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cantiere_events.codes import ConsentScope
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain.errors import WrongState
from cantiere_placements.service_layer import handlers
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import FakeReferrals, on, uid
from .test_service_layer import consents, receive, service


def news_arriving_after_the_first_load(monkeypatch: pytest.MonkeyPatch, engine: AsyncEngine) -> list[int]:
    """The intake appends a consent between the service's first load and its append (the race of the issue)."""
    real_load, loads = handlers.load, []

    async def load(*args: Any, **kwargs: Any) -> Any:
        loaded = await real_load(*args, **kwargs)
        loads.append(1)
        if len(loads) == 1:
            await consents(engine, 1, ConsentScope.SHARE_CONTACT_DETAILS, position=3)
        return loaded

    monkeypatch.setattr(handlers, "load", load)
    return loads


async def test_accepting_while_the_intake_appends_news_decides_again_and_succeeds(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    loads = news_arriving_after_the_first_load(monkeypatch, engine)
    accepted = await svc.candidate(uid(1), cand.AcceptReferral(), on(date(2008, 3, 3)))
    assert accepted.stage == "accepted" and accepted.consented(ConsentScope.SHARE_CONTACT_DETAILS)
    assert len(loads) == 2  # decided once more, on the news


async def test_a_command_that_no_longer_holds_after_the_news_is_refused_not_conflicted(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    real_load, loads = handlers.load, []

    async def load(*args: Any, **kwargs: Any) -> Any:
        loaded = await real_load(*args, **kwargs)
        loads.append(1)
        if len(loads) == 1:  # another operator accepts the same referral meanwhile
            monkeypatch.setattr(handlers, "load", real_load)
            await svc.candidate(uid(1), cand.AcceptReferral(), on(date(2008, 3, 3)))
            monkeypatch.setattr(handlers, "load", load)
        return loaded

    monkeypatch.setattr(handlers, "load", load)
    with pytest.raises(WrongState):  # decided again: it is accepted already, said in plain words
        await svc.candidate(uid(1), cand.AcceptReferral(), on(date(2008, 3, 3)))
