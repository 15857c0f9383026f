"""The consortium's work queue: every open case with its deadline, flags for review, and each operator's digest.

The JSON ``/pipeline``, the pipeline page, the digest page and the digest command all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cantiere_runtime.store import EventStore
from cantiere_runtime.territory import Territory
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_placements.adapters import queries
from cantiere_placements.domain.deadlines import Digest, OpenCase, Standards, deadline, digest, follow_ups_due
from cantiere_placements.service_layer.safety_review import referred_more_than_once, safety_conflicts

Row = dict[str, Any]


def standards_of(territory: Territory) -> Standards:
    """The territory's standard durations, as the domain reads them."""
    return Standards(territory.phases, territory.follow_up_after_months)


def case_key(row: Row) -> str:
    """A case's own id: its placement, else (awaiting intake) the person."""
    return str(row.get("placement_id") or row["person_id"])


def _open_case(row: Row) -> OpenCase:
    return OpenCase(row["phase"], row["waiting_for"], row["since"], row["ends_on"], tuple(row["follow_ups"]))


async def open_cases(
    engine: AsyncEngine, store: EventStore, territory: Territory, today: date, *, with_tokens: bool = False
) -> list[Row]:
    """Every open case: phase, wait, since, municipality, operator, due date and lateness on ``today``, the
    follow-ups still to record, ``safety_review`` (a keep-apart conflict, no reason) and
    ``referred_more_than_once`` (``same_person_token`` too with ``with_tokens``: the coordinator's view)."""
    rows = await queries.pipeline(engine)
    in_conflict = {pid for c in await safety_conflicts(store) for pid in c.placement_ids}
    open_people = {row["person_id"] for row in rows}
    token_of = {
        pid: g.token
        for g in await referred_more_than_once(store)
        if len(open_people.intersection(g.person_ids)) > 1  # referred at once: both cases still open
        for pid in g.person_ids
    }
    standards = standards_of(territory)
    for row in rows:
        case = _open_case(row)
        due = deadline(case, standards, today)
        row["due_on"] = due.due_on if due else None
        row["due_step"] = due.step if due else None
        row["overdue"] = bool(due and due.overdue)
        row["days_late"] = due.days_late if due else 0
        row["follow_ups_due"] = [f.__dict__ for f in follow_ups_due(case, standards, today)]
        row["safety_review"] = row.get("placement_id") in in_conflict
        row["referred_more_than_once"] = row["person_id"] in token_of
        if with_tokens:
            row["same_person_token"] = token_of.get(row["person_id"])
    return rows


@dataclass(frozen=True)
class OperatorDigest:
    """One operator's day: the cases due today, late from today, late from before (rows of ``open_cases``)."""

    operator: str | None
    day: date
    due_today: list[Row]
    overdue_since_today: list[Row]
    still_overdue: list[Row]

    @property
    def empty(self) -> bool:
        return not (self.due_today or self.overdue_since_today or self.still_overdue)


def operator_digest(rows: list[Row], operator: str | None, territory: Territory, day: date) -> OperatorDigest:
    """The digest of one operator's cases (``None``: the cases nobody has taken in yet) on ``day``."""
    mine = {case_key(r): r for r in rows if r["operator"] == operator}
    standards = standards_of(territory)
    found: Digest = digest(((k, deadline(_open_case(r), standards, day)) for k, r in mine.items()), day)
    return OperatorDigest(
        operator,
        day,
        [mine[k] for k in found.due_today],
        [mine[k] for k in found.overdue_since_today],
        [mine[k] for k in found.still_overdue],
    )
