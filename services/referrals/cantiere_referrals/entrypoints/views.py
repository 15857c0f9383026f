"""Queries on the read models, scoped to the caller's district when they have one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_referrals.adapters.tables import caseload as caseload_t
from cantiere_referrals.adapters.tables import (
    personal_data_reads,
    timeline_consortium,
    timeline_consortium_restricted,
    timeline_local,
)
from cantiere_referrals.adapters.tables import referrals as referrals_t
from cantiere_referrals.adapters.vault import reads_of


async def _rows(engine: AsyncEngine, query: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings().all()]


async def caseload(engine: AsyncEngine, *, district: str | None, social_worker: str | None) -> list[dict[str, Any]]:
    """People followed, with their referral status and erasure flag."""
    query = select(caseload_t).order_by(caseload_t.c.social_worker_id, caseload_t.c.registered_on)
    if district:
        query = query.where(caseload_t.c.district == district)
    if social_worker:
        query = query.where(caseload_t.c.social_worker_id == social_worker)
    return await _rows(engine, query)


async def referrals(engine: AsyncEngine, *, district: str | None, status: str | None) -> list[dict[str, Any]]:
    """Referrals with their status; the district comes from the caseload."""
    query = select(referrals_t, caseload_t.c.district.label("person_district")).join(
        caseload_t, caseload_t.c.person_id == referrals_t.c.person_id
    )
    if district:
        query = query.where(caseload_t.c.district == district)
    if status:
        query = query.where(referrals_t.c.status == status)
    return await _rows(engine, query.order_by(referrals_t.c.submitted_on))


async def timeline(engine: AsyncEngine, person_id: str) -> list[dict[str, Any]]:
    """The municipality's and the consortium's events about one person, in time order."""
    cols = ("event_type", "occurred_at", "detail")
    local = select(*(timeline_local.c[n] for n in cols)).where(timeline_local.c.person_id == person_id)
    remote = [
        select(*(table.c[n] for n in cols)).where(table.c.person_id == person_id)
        for table in (timeline_consortium, timeline_consortium_restricted)
    ]
    both = union_all(local, *remote).subquery()
    return await _rows(engine, select(both).order_by(both.c.occurred_at))


async def reads(engine: AsyncEngine, person_id: str) -> list[dict[str, Any]]:
    """The audit trail of personal-data reads of one person."""
    async with engine.connect() as conn:
        return await reads_of(conn, person_id)


async def reads_between(
    engine: AsyncEngine,
    *,
    district: str | None,
    user_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict[str, Any]]:
    """The audit trail of every personal-data read in the municipality (or the district), newest first."""
    query = select(personal_data_reads)
    if district:
        people = select(caseload_t.c.person_id).where(caseload_t.c.district == district)
        query = query.where(personal_data_reads.c.person_id.in_(people))
    if user_id:
        query = query.where(personal_data_reads.c.user_id == user_id)
    if since:
        query = query.where(personal_data_reads.c.read_at >= since)
    if until:
        query = query.where(personal_data_reads.c.read_at < until)
    return await _rows(engine, query.order_by(personal_data_reads.c.read_at.desc(), personal_data_reads.c.id.desc()))
