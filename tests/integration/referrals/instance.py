"""A running referrals instance for integration tests: runtime, handlers and NATS responder on a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cantiere_events.codes import ConsentScope, EligibilityCategory, ReferringService
from cantiere_referrals.adapters.vault import PersonalData
from cantiere_referrals.bootstrap import build_referrals, build_runtime
from cantiere_referrals.domain import commands as c
from cantiere_referrals.entrypoints.responder import Responder
from cantiere_referrals.service_layer.handlers import Referrals
from cantiere_runtime.service import ServiceRuntime

from .support import personal_data, principal, settings

WORKER = principal()


@dataclass
class Instance:
    """One municipality's running service."""

    partner: str
    runtime: ServiceRuntime
    svc: Referrals

    async def register(self, **overrides: Any) -> str:
        return await self.svc.register(WORKER, PersonalData(**personal_data(**overrides)), {}, None)

    async def referred(self, contact_consent: bool = False, **overrides: Any) -> str:
        pid = await self.register(**overrides)
        await self.svc.handle(WORKER, pid, c.RecordConsent(scope=ConsentScope.SHARE_WITH_CONSORTIUM, form_version="1"))
        if contact_consent:
            consent = c.RecordConsent(scope=ConsentScope.SHARE_CONTACT_DETAILS, form_version="1")
            await self.svc.handle(WORKER, pid, consent)
        await self.svc.handle(
            WORKER,
            pid,
            c.ConfirmEligibility(
                taken_into_care_on=date(2026, 1, 5),
                category=EligibilityCategory.STALKING,
                referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
            ),
        )
        await self.svc.submit(WORKER, pid)
        return pid

    async def drain(self) -> None:
        assert self.runtime.relay is not None
        await self.runtime.relay.drain()


@asynccontextmanager
async def running(
    tmp_path: Path,
    nats_url: str,
    partner: str = "bari",
    database_url: str | None = None,
    *,
    nats: dict[str, Any] | None = None,
    follow_consortium: bool = True,
    **more_settings: Any,
) -> AsyncIterator[Instance]:
    """Start an instance (migrations, relay, projectors, responder) and stop it afterwards.

    ``nats``: the whole NATS identity (url, user, password, inbox_prefix) instead of a bare URL;
    ``follow_consortium=False``: no projection of the consortium's events (e.g. on a leaf server).
    """
    extra: dict[str, Any] = {"database_url": database_url, **more_settings} if database_url else {**more_settings}
    if nats is not None:
        extra["nats"] = {"url": nats_url, **nats}
    config = settings(tmp_path, partner, None if nats else nats_url, **extra)
    runtime = build_runtime(config, follow_consortium=follow_consortium)
    await runtime.start()
    svc = build_referrals(config, runtime)
    responder = Responder(svc, partner)
    assert runtime.nc is not None
    await responder.start(runtime.nc)
    try:
        yield Instance(partner, runtime, svc)
    finally:
        await responder.stop()
        await runtime.stop()


async def settled(instance: Instance, timeout: float = 10.0) -> None:
    """Wait until the running local projector has applied every stored event (never race it with catch_up)."""
    import asyncio

    from cantiere_runtime.projector import Checkpoints
    from cantiere_runtime.schema import events
    from sqlalchemy import func, select

    engine = instance.runtime.engine
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with engine.connect() as conn:
            last = int(await conn.scalar(select(func.coalesce(func.max(events.c.position), 0))) or 0)
        positions = [await Checkpoints(engine).get(p.name) for p in instance.runtime.local_projections]
        if all(p >= last for p in positions):
            return
        assert asyncio.get_running_loop().time() < deadline, "local projections did not catch up"
        await asyncio.sleep(0.05)
