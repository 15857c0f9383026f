"""Read the facts behind every figure: only people whose latest aggregate-statistics consent is given."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cantiere_runtime.db import READ_ONLY
from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_monitoring.adapters.tables import (
    allowances_paid,
    attendance_months,
    follow_ups,
    hosts,
    person_journeys,
    statistics_consent,
)
from cantiere_monitoring.domain.journey import HostSite, Journey

_COUNTED = and_(statistics_consent.c.given.is_(True), statistics_consent.c.erased.is_(False))


def _counted_people() -> Select[Any]:
    return select(statistics_consent.c.person_id).where(_COUNTED)


async def consenting_journeys(engine: AsyncEngine) -> list[Journey]:
    """The journeys of everyone who may be counted; withdrawn or erased people are not among them."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(**READ_ONLY)
        counted = _counted_people()
        rows = (await conn.execute(
            select(person_journeys).where(person_journeys.c.person_id.in_(counted)))).mappings().all()  # fmt: skip
        employed: dict[str, dict[int, bool]] = defaultdict(dict)
        for row in await conn.execute(select(follow_ups).where(follow_ups.c.person_id.in_(counted))):
            employed[row.person_id][row.month] = row.employed
        attendance = {
            row.person_id: (int(row.planned), int(row.attended))
            for row in await conn.execute(
                select(
                    attendance_months.c.person_id,
                    func.sum(attendance_months.c.planned_centihours).label("planned"),
                    func.sum(attendance_months.c.attended_centihours).label("attended"),
                )
                .where(attendance_months.c.person_id.in_(counted))
                .group_by(attendance_months.c.person_id)
            )
        }
        paid = {
            row.person_id: int(row.cents)
            for row in await conn.execute(
                select(allowances_paid.c.person_id, func.sum(allowances_paid.c.amount_cents).label("cents"))
                .where(allowances_paid.c.person_id.in_(counted))
                .group_by(allowances_paid.c.person_id)
            )
        }
    journeys = []
    for mapping in rows:
        facts = dict(mapping)
        planned, attended = attendance.get(facts["person_id"], (0, 0))
        journeys.append(Journey(
            **{key: value for key, value in facts.items() if key not in ("internship_id",)},
            employed_after=employed.get(facts["person_id"], {}),
            planned_centihours=planned,
            attended_centihours=attended,
            allowance_paid_cents=paid.get(facts["person_id"], 0),
        ))  # fmt: skip
    return sorted(journeys, key=lambda j: j.person_id)


async def host_sites(engine: AsyncEngine) -> list[HostSite]:
    """Every registered host site."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(**READ_ONLY)
        rows = (await conn.execute(select(hosts).order_by(hosts.c.host_id))).mappings().all()
    return [HostSite(**row) for row in rows]
