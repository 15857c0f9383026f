"""The daily digest as a command an operator can schedule (cron, a systemd timer): what became due or overdue
among each operator's open cases, in plain text, by short pseudonymous codes only."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from cantiere_runtime.db import create_engine
from cantiere_runtime.store import EventStore

from cantiere_placements.bootstrap import Settings, territory_of
from cantiere_placements.domain.registry import REGISTRY
from cantiere_placements.service_layer.unit import ROME
from cantiere_placements.service_layer.work_queue import OperatorDigest, Row, case_key, open_cases, operator_digest


def _line(row: Row) -> str:
    late = f", {row['days_late']} giorni di ritardo / days late" if row["overdue"] else ""
    due = f"scadenza / due {row['due_on']:%d/%m/%Y}"
    return f"  - {case_key(row)[:8]} · {row['phase']} · {row['waiting_for']} · {due}{late}"


def render(found: OperatorDigest) -> str:
    """One operator's digest as text (Italian first, English beside it)."""
    who = found.operator or "non assegnati / not taken in"
    lines = [f"Riepilogo del {found.day:%d/%m/%Y} · daily digest · {who}"]
    for title, rows in (
        ("Scadono oggi / due today", found.due_today),
        ("In ritardo da oggi / overdue since today", found.overdue_since_today),
        ("Ancora in ritardo / still overdue", found.still_overdue),
    ):
        lines.append(f"{title}: {len(rows)}")
        lines += [_line(r) for r in rows]
    return "\n".join(lines)


async def digests(settings: Settings, operator: str | None, day: date | None) -> list[str]:
    """The digests of one operator (or of every operator with open cases), read from the service's database as
    the running service keeps it (nothing is written)."""
    engine = create_engine(settings.database_url)
    try:
        territory = territory_of(settings)
        today = day or datetime.now(ROME).date()
        rows = await open_cases(engine, EventStore(engine, REGISTRY), territory, today)
        operators = [operator] if operator else sorted({r["operator"] for r in rows if r["operator"]})
        found = [operator_digest(rows, o, territory, today) for o in operators]
        return [render(d) for d in found if operator or not d.empty]
    finally:
        await engine.dispose()


def run_digest(settings: Settings, operator: str | None, day: date | None) -> str:
    """The command's output."""
    texts = asyncio.run(digests(settings, operator, day))
    return "\n\n".join(texts) if texts else "Nessuna scadenza / nothing due."
