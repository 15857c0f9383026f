"""The tokens that name each candidate (own token and aliases), read from the event store itself.

Two referrals of one person (two municipalities at once) arrive as two candidates whose tokens meet: matching
treats them as one person for keep-apart, and the pipeline flags them to the coordinator. Read from the
store in the caller's transaction, so nothing lags behind a committed intake.
"""

from __future__ import annotations

from typing import Any

from cantiere_runtime.schema import events
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.domain import events as ev
from cantiere_placements.service_layer.unit import candidate_id

CANDIDATE_PREFIX = candidate_id("")


async def tokens_by_person(conn: AsyncConnection) -> dict[str, frozenset[str]]:
    """Person id -> the tokens of their latest own-token registration (the canonical token and its aliases)."""
    query = (
        select(events.c.aggregate_id, events.c.payload)
        .where(events.c.event_type == ev.CandidateTokenStored.event_type)
        .order_by(events.c.position)
    )
    latest: dict[str, dict[str, Any]] = {}
    for row in await conn.execute(query):
        if row.aggregate_id.startswith(CANDIDATE_PREFIX):
            latest[row.aggregate_id.removeprefix(CANDIDATE_PREFIX)] = row.payload
    return {
        person_id: frozenset({str(p["token"]), *(str(a) for a in p.get("aliases") or ())})
        for person_id, p in latest.items()
    }
