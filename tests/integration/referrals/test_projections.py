"""Read models: caseload, referrals by status and timelines are rebuilt equal to live, and erasure survives replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nats
from cantiere_events.codes import ClosureReason, ErasureBasis, ReferralWithdrawalReason
from cantiere_referrals.adapters.tables import caseload, referrals, timeline_local
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain.events import REGISTRY
from cantiere_referrals.projections import local_projections
from cantiere_runtime.db import create_engine
from cantiere_runtime.projector import LocalProjector
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .instance import WORKER, running, settled
from .support import personal_data, sensitive_values


async def snapshot(engine: AsyncEngine) -> dict[str, list[Any]]:
    async with engine.connect() as conn:
        out = {}
        for table in (caseload, referrals, timeline_local):
            cols = [col for col in table.c if col.name != "id"]
            rows = (await conn.execute(select(*cols).order_by(*cols[:2]))).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


async def test_erasure_then_a_full_rebuild_shows_the_person_erased_and_equals_live(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        kept = await bari.referred()
        gone = await bari.referred()
        await bari.svc.handle(WORKER, kept, c.WithdrawReferral(reason=ReferralWithdrawalReason.MOVED_AWAY))
        await bari.svc.handle(WORKER, gone, c.CloseReferral(reason=ClosureReason.PATH_COMPLETED))
        await bari.svc.handle(WORKER, gone, c.ErasePersonalData(basis=ErasureBasis.DATA_SUBJECT_REQUEST))
        await settled(bari)
        live = await snapshot(bari.runtime.engine)
    # Rebuild with the service stopped, as an operator would (`python -m cantiere_referrals rebuild`).
    engine = create_engine(service_db)
    try:
        await LocalProjector(engine, REGISTRY, local_projections()).rebuild()
        rebuilt = await snapshot(engine)
    finally:
        await engine.dispose()
    assert rebuilt == live
    by_person = {row[0]: row for row in rebuilt["referrals_caseload"]}
    assert by_person[gone][6] is True and by_person[kept][6] is False
    statuses = sorted(row[3] for row in rebuilt["referrals_by_status"])
    assert statuses == ["closed", "withdrawn"]
    timeline = [row[2] for row in rebuilt["referrals_timeline_local"] if row[0] == gone]
    assert timeline[0] == "PersonRegistered" and timeline[-1] == "PersonErased"
    for value in sensitive_values(personal_data()):
        assert value not in repr(rebuilt)
