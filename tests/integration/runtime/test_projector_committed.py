"""A stream projector tells the service when a batch it applied has committed (so the relay and views act now)."""

from __future__ import annotations

import nats
from cantiere_runtime.projector import Checkpoints
from sqlalchemy.ext.asyncio import AsyncEngine

from .test_projector import _projector, _published, _ticks, _with_read_model


async def test_the_projector_says_committed_after_its_batch_commits_and_not_for_a_batch_applying_nothing(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=2, per_aggregate=2)
    applied_when_told: list[int] = []

    def committed() -> None:
        applied_when_told.append(projector.applied)

    projector = _projector(engine, nc, committed=committed)
    await projector.catch_up()
    assert applied_when_told and applied_when_told[-1] == 4
    assert await Checkpoints(engine).get(projector.projection.name) == 4
    assert await _ticks(engine) == {"c-0": (2, 1), "c-1": (2, 1)}

    told = len(applied_when_told)
    await projector.catch_up()  # nothing new: nothing committed to tell about
    assert len(applied_when_told) == told
