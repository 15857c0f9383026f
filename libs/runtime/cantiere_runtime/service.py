"""A running service's shared parts: database, NATS, outbox relay and projectors, started and stopped together."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from cantiere_events import EventRegistry
from nats.aio.client import Client
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_runtime.bus import connect
from cantiere_runtime.clock import DevClock, system_clock
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import Component, migrate
from cantiere_runtime.projector import Checkpoints, LocalProjector, Progress, Projection
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.store import EventStore
from cantiere_runtime.stream_projector import StreamProjector
from cantiere_runtime.unit_of_work import CommandHandler

log = structlog.get_logger("cantiere.service")


YOUNG_OBJECTS = 10_000  # allocations between two collections of the youngest generation (Python's default: 700)


def settle_heap() -> None:
    """Keep the garbage collector's pauses out of the requests of a service process (call it before serving).

    What the process built so far (modules, models, the app: a few hundred thousand objects that live as long
    as the process) is moved out of the collector's sight, so a full collection no longer walks it:
    measured at 100 referrals/s, full collections took 80-250 ms each, every second or so, and made the
    slowest answers. Young collections run less often too; what they collect is the same.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, middle, old)


@dataclass
class StreamSubscription:
    """A projection fed from the bus: which stream and subjects, under which durable consumer name."""

    projection: Projection
    stream: str
    subjects: Sequence[str]
    durable: str
    registry: EventRegistry


@dataclass
class ServiceRuntime:
    """Engine, event store, NATS connection, relay and projectors of one service process."""

    name: str
    settings: ServiceSettings
    registry: EventRegistry
    components: Sequence[Component] = ()
    local_projections: Sequence[Projection] = ()
    subscriptions: Sequence[StreamSubscription] = ()
    engine: AsyncEngine = field(init=False)
    store: EventStore = field(init=False)
    commands: CommandHandler = field(init=False)
    nc: Client | None = field(default=None, init=False)
    relay: OutboxRelay | None = field(default=None, init=False)
    local_projector: LocalProjector | None = field(default=None, init=False)
    stream_projectors: list[StreamProjector] = field(default_factory=list, init=False)
    dev_clock: DevClock | None = field(default=None, init=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list, init=False)

    async def start(self, *, connect_nats: bool = True) -> None:
        """Migrate the database, connect to NATS and start the relay and projectors in the background."""
        self.engine = create_engine(self.settings.database_url)
        await migrate(self.engine, *self.components)
        self.store = EventStore(self.engine, self.registry)
        self.commands = CommandHandler(self.engine, self.store, committed=self.committed)
        if self.local_projections:
            self.local_projector = LocalProjector(self.engine, self.registry, self.local_projections)
            await self.local_projector.catch_up()
            self._spawn(self.local_projector.run(self._stop), "local-projector")
        if connect_nats:
            self.nc = await connect(self.settings.nats, name=f"{self.name}-{self.settings.partner}")
            if self.settings.dev_clock:
                if self.settings.environment == "production":  # settings refuse it too: never in production
                    raise ValueError("CANTIERE_DEV_CLOCK is for development only")
                self.dev_clock = DevClock()
                await self.dev_clock.follow(self.nc)
            labels = (self.name, self.settings.partner)
            self.relay = OutboxRelay(self.engine, self.nc, metric_labels=labels)
            self._spawn(self.relay.run(self._stop), "relay")
            for sub in self.subscriptions:
                projector = StreamProjector(
                    self.engine, self.nc, sub.registry, sub.projection, sub.stream, sub.subjects, sub.durable,
                    metric_labels=labels, committed=self.committed,
                )  # fmt: skip
                self.stream_projectors.append(projector)
                self._spawn(projector.run(self._stop), f"projector-{sub.durable}")
        log.info("service_started", service=self.name, partner=self.settings.partner)

    def clock(self) -> datetime:
        """Now, as this service's commands see it: the real time, or the development clock when one is followed."""
        return self.dev_clock() if self.dev_clock is not None else system_clock()

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        task.add_done_callback(self._report)
        self._tasks.append(task)

    @staticmethod
    def _report(task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("background_task_failed", task=task.get_name(), kind=type(task.exception()).__name__)

    async def rebuild(self, names: Sequence[str] = (), progress: Progress | None = None) -> dict[str, int]:
        """Drop projections (all, or those named) and replay them from the log; run with the service stopped."""
        self.engine = create_engine(self.settings.database_url)
        await migrate(self.engine, *self.components)
        # Projections that append commands (a bus intake) replay through the service's command handler.
        self.store = EventStore(self.engine, self.registry)
        self.commands = CommandHandler(self.engine, self.store)
        done: dict[str, int] = {}
        try:
            local = [p for p in self.local_projections if not names or p.name in names]
            if local:
                projector = LocalProjector(self.engine, self.registry, local)
                count = await projector.rebuild(progress)
                done.update({p.name: count for p in local})
            streamed = [s for s in self.subscriptions if not names or s.projection.name in names]
            if streamed:
                self.nc = await connect(self.settings.nats, name=f"{self.name}-{self.settings.partner}-rebuild")
                for sub in streamed:
                    projector = StreamProjector(
                        self.engine, self.nc, sub.registry, sub.projection, sub.stream, sub.subjects, sub.durable
                    )
                    done[sub.projection.name] = await projector.rebuild(progress)
                await self.nc.drain()
        finally:
            await self.commands.close()
            await self.engine.dispose()
        return done

    async def blocked_projections(self) -> list[str]:
        """This service's fail-closed projections stopped at an event they cannot apply.

        Read from the checkpoints, where the projector records it, so every process on the database
        (another replica, a report command) sees the same.
        """
        own = {sub.projection.name for sub in self.subscriptions}
        return [name for name in await Checkpoints(self.engine).blocked() if name in own]

    def committed(self) -> None:
        """Tell the relay and the local projector that a command committed (so they act now)."""
        if self.relay is not None:
            self.relay.notify()
        if self.local_projector is not None:
            self.local_projector.notify()

    async def stop(self) -> None:
        """Stop background work, then close NATS and the database."""
        self._stop.set()
        if self.dev_clock is not None:
            await self.dev_clock.stop()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=5)
            for task in pending:
                task.cancel()
        if self.nc is not None:
            await self.nc.drain()
        await self.commands.close()
        await self.engine.dispose()
        log.info("service_stopped", service=self.name)
