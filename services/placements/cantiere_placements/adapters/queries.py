"""Questions the screens ask of the read models: pipeline, files, hosts, tutor page, queues, ledger."""

from __future__ import annotations

import csv
import io
from typing import Any

from cantiere_events.codes import ConsentScope
from cantiere_runtime.rules import RuleSet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_placements.adapters.tables import candidates, hosts, months, personal_data_reads, placements
from cantiere_placements.domain.rules import host_capacity

Row = dict[str, Any]


async def _rows(engine: AsyncEngine, query: Any) -> list[Row]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings().all()]


async def pipeline(engine: AsyncEngine) -> list[Row]:
    """Every open case by phase: what it waits for, since when, its municipality and operator, the dates its
    deadline depends on (referrals awaiting intake first)."""
    waiting = select(candidates).where(candidates.c.stage.in_(("referred", "accepted")))
    intake = [
        {
            "person_id": r["person_id"],
            "phase": "intake",
            "waiting_for": f"intake_{r['stage']}",
            "since": r["since"],
            "municipality": r["municipality"],
            "operator": r["operator"],
            "ends_on": None,
            "follow_ups": [],
        }
        for r in await _rows(engine, waiting.order_by(candidates.c.since, candidates.c.person_id))
    ]
    open_cases = select(placements).where(placements.c.status.notin_(("closed", "rejected")))
    cases = [
        {
            "person_id": r["person_id"],
            "placement_id": r["placement_id"],
            "phase": r["status"],
            "waiting_for": r["waiting_for"],
            "since": r["since"],
            "municipality": r["municipality"],
            "operator": r["operator"],
            "ends_on": r["ends_on"],
            "follow_ups": list(r["follow_ups"] or []),
        }
        for r in await _rows(engine, open_cases.order_by(placements.c.since, placements.c.placement_id))
    ]
    return intake + cases


async def candidates_at(engine: AsyncEngine, stage: str | None) -> list[Row]:
    """Candidates (at one stage, or all), longest waiting first."""
    query = select(candidates).order_by(candidates.c.since, candidates.c.person_id)
    return await _rows(engine, query if stage is None else query.where(candidates.c.stage == stage))


async def personal_data_reads_of(engine: AsyncEngine, person_id: str) -> list[Row]:
    """The audit log of a person's personal-data reads (who, role, partner, when, what, why), oldest first."""
    query = select(personal_data_reads).where(personal_data_reads.c.person_id == person_id)
    return await _rows(engine, query.order_by(personal_data_reads.c.id))


async def candidate_file(engine: AsyncEngine, person_id: str) -> Row | None:
    """A candidate's file: profile stage, skills, placements and their months."""
    found = await _rows(engine, select(candidates).where(candidates.c.person_id == person_id))
    if not found:
        return None
    file = found[0]
    file["placements"] = await _rows(engine, select(placements).where(placements.c.person_id == person_id))
    for placement in file["placements"]:
        placement["months"] = await _rows(
            engine, select(months).where(months.c.placement_id == placement["placement_id"]).order_by(months.c.month)
        )
    return file


async def hosts_with_capacity(engine: AsyncEngine, rules: RuleSet) -> list[Row]:
    """Hosts with their places taken and the spare places the rules in force allow (None: no limit)."""
    rows = await _rows(engine, select(hosts).order_by(hosts.c.site_municipality, hosts.c.host_id))
    for row in rows:
        capacity = host_capacity(rules, row["permanent_headcount"], is_inclusion=True)
        row["capacity"] = capacity
        row["spare_places"] = None if capacity is None else max(capacity - row["places_taken"], 0)
    return rows


async def tutor_page(engine: AsyncEngine, host_id: str) -> list[Row]:
    """A host's current interns: role (objectives), schedule and attendance; nothing about their story."""
    query = (
        select(placements, candidates.c.consents)
        .join(candidates, candidates.c.person_id == placements.c.person_id, isouter=True)
        .where((placements.c.host_id == host_id) & placements.c.status.in_(("agreed", "running", "suspended")))
    )
    page = []
    for r in await _rows(engine, query):
        attendance = await _rows(
            engine,
            select(months.c.month, months.c.planned_hours, months.c.attended_hours)
            .where(months.c.placement_id == r["placement_id"])
            .order_by(months.c.month),
        )
        page.append(
            {
                "placement_id": r["placement_id"],
                "person_id": r["person_id"],  # for the vault lookup; the route removes it
                "shows_first_name": ConsentScope.MINIMAL_DATA_TO_HOST in (r["consents"] or []),  # the route too
                "role": r["objectives"],
                "hours_per_week": r["hours_per_week"],
                "starts_on": r["starts_on"],
                "ends_on": r["ends_on"],
                "status": r["status"],
                "attendance": attendance,
            }
        )
    return page


async def validation_queue(engine: AsyncEngine, *, shared_only: bool) -> list[Row]:
    """Training projects waiting for the employment centre's validation, oldest first; with ``shared_only``
    only those of people who consent to sharing with the employment centre, else each says whether it is."""
    query = select(
        placements.c.placement_id,
        placements.c.host_id,
        placements.c.starts_on,
        placements.c.ends_on,
        placements.c.hours_per_week,
        placements.c.monthly_allowance_cents,
        placements.c.rule_set_id,
        placements.c.notices,
        placements.c.since,
        candidates.c.consents,
    ).join(candidates, candidates.c.person_id == placements.c.person_id, isouter=True)
    rows = await _rows(
        engine, query.where(placements.c.waiting_for == "employment_centre").order_by(placements.c.since)
    )
    for row in rows:
        row["shared_with_employment_centre"] = ConsentScope.SHARE_WITH_EMPLOYMENT_CENTRE in (row.pop("consents") or [])
    return [r for r in rows if r["shared_with_employment_centre"] or not shared_only]


async def allowance_ledger(engine: AsyncEngine, month: str | None = None) -> list[Row]:
    """Monthly allowances: hours, amount, rule set and payment, by month and placement."""
    query = (
        select(
            months.c.month,
            months.c.placement_id,
            placements.c.person_id,
            placements.c.municipality,
            months.c.planned_hours,
            months.c.attended_hours,
            months.c.allowance_cents,
            months.c.rule_set_id,
            months.c.paid_on,
        )
        .join(placements, placements.c.placement_id == months.c.placement_id)
        .order_by(months.c.month, months.c.placement_id)
    )
    if month:
        query = query.where(months.c.month == month)
    return await _rows(engine, query)


def ledger_csv(rows: list[Row]) -> str:
    """The ledger as CSV for the payer (euro with two decimals beside the cents)."""
    out = io.StringIO()
    fields = ["month", "placement_id", "person_id", "municipality", "planned_hours", "attended_hours"]
    fields += ["allowance_cents", "allowance_eur", "rule_set_id", "paid_on"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cents = row["allowance_cents"]
        euro = "" if cents is None else f"{cents // 100}.{cents % 100:02d}"
        writer.writerow({**row, "allowance_eur": euro})
    return out.getvalue()


async def placement_row(engine: AsyncEngine, placement_id: str) -> Row | None:
    """One placement as the read model has it (where it stands, what it waits for), with its months."""
    found = await _rows(engine, select(placements).where(placements.c.placement_id == placement_id))
    if not found:
        return None
    row = found[0]
    row["months"] = await _rows(
        engine, select(months).where(months.c.placement_id == placement_id).order_by(months.c.month)
    )
    return row


async def host_row(engine: AsyncEngine, host_id: str) -> Row | None:
    """One host of the registry."""
    found = await _rows(engine, select(hosts).where(hosts.c.host_id == host_id))
    return found[0] if found else None
