"""Where a service takes "now" from: the real clock, or, in development only, a simulated clock on NATS.

Domain code never reads a clock: the service layer asks the runtime's clock at the edge and passes the time in.
The development clock lets the simulator replay a programme of the past (the 2008-09 pilot) through the real
APIs: it publishes the simulated time on a development-only NATS key-value bucket, every service started with
``CANTIERE_DEV_CLOCK=true`` watches it, and their events are stamped with that time. Production settings refuse
the setting (``ServiceSettings.check_production``), the production NATS permissions grant no access to the
bucket, and no HTTP request can name the time of an event: only the bucket moves the clock.

The key holds ``{"at": ISO time, "rate": r, "set_at": ISO real time}``: the simulated time is
``at + (real now - set_at) * r``. The simulator sets ``rate`` 0 while it plays (time stands still between its
steps, so a replay is deterministic) and leaves ``rate`` 1 at the end: the clock then runs at real speed from the
last simulated day, and what a person does by hand lands after the demo, in the same programme.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

log = structlog.get_logger("cantiere.clock")

Clock = Callable[[], datetime]

DEV_CLOCK_BUCKET = "cantiere_dev_clock"
DEV_CLOCK_KEY = "now"


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ClockSetting:
    """One value of the development clock: a simulated time, how fast it runs, and when (real time) it was set."""

    at: datetime
    rate: float = 0.0
    set_at: datetime | None = None

    def now(self, real: datetime) -> datetime:
        """The simulated time at real time ``real``."""
        if not self.rate or self.set_at is None:
            return self.at
        return self.at + (real - self.set_at) * self.rate

    def encode(self) -> bytes:
        body = {
            "at": self.at.isoformat(),
            "rate": self.rate,
            "set_at": self.set_at.isoformat() if self.set_at else None,
        }
        return json.dumps(body).encode()

    @classmethod
    def decode(cls, data: bytes) -> ClockSetting:
        body = json.loads(data)
        at = datetime.fromisoformat(body["at"])
        if at.tzinfo is None:
            raise ValueError("the development clock's time needs a time zone")
        set_at = datetime.fromisoformat(body["set_at"]) if body.get("set_at") else None
        return cls(at=at.astimezone(UTC), rate=float(body.get("rate") or 0.0), set_at=set_at)


class DevClock:
    """A simulated clock following the development bucket; the real clock until the bucket holds a time."""

    def __init__(self, real: Clock = system_clock) -> None:
        self._real = real
        self.setting: ClockSetting | None = None
        self.revision = 0  # the bucket revision applied last (the simulator waits for it)
        self._task: asyncio.Task[None] | None = None

    def __call__(self) -> datetime:
        real = self._real()
        return self.setting.now(real) if self.setting is not None else real

    def apply(self, data: bytes, revision: int) -> None:
        """A new value of the key (a value that cannot be read leaves the clock where it was, and says so)."""
        try:
            self.setting = ClockSetting.decode(data)
        except (ValueError, KeyError, TypeError):
            log.error("dev_clock_unreadable", revision=revision)
            return
        self.revision = revision

    async def follow(self, nc: Any) -> None:
        """Watch the bucket (created when missing) in the background until ``stop``."""
        kv = await dev_clock_bucket(nc.jetstream())
        watcher = await kv.watch(DEV_CLOCK_KEY)

        async def run() -> None:
            while True:
                try:
                    entry = await watcher.updates(timeout=3600)
                except TimeoutError:
                    continue
                except asyncio.CancelledError:
                    raise
                except Exception:  # the connection is closing: the clock keeps its last value
                    log.warning("dev_clock_watch_ended")
                    return
                if entry is not None and entry.value:
                    self.apply(entry.value, entry.revision or 0)

        # The current value first, so the service never stamps an event with the real time by mistake.
        with suppress(Exception):
            entry = await kv.get(DEV_CLOCK_KEY)
            if entry.value:
                self.apply(entry.value, entry.revision or 0)
        self._task = asyncio.create_task(run(), name="dev-clock")
        self._watcher = watcher
        log.info("dev_clock_following", bucket=DEV_CLOCK_BUCKET, simulated=self.setting is not None)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._task
            with suppress(Exception):
                await self._watcher.stop()
            self._task = None

    def describe(self) -> dict[str, object]:
        """What /health says about the clock (development only): the simulated time and the revision applied."""
        return {"simulated": self.setting is not None, "now": self().isoformat(), "revision": self.revision}


async def dev_clock_bucket(js: Any) -> Any:
    """The development clock's key-value bucket, created when missing (one value kept)."""
    from nats.js.api import KeyValueConfig
    from nats.js.errors import BucketNotFoundError

    try:
        return await js.key_value(DEV_CLOCK_BUCKET)
    except BucketNotFoundError:
        return await js.create_key_value(KeyValueConfig(bucket=DEV_CLOCK_BUCKET, history=1))


async def read_dev_clock(js: Any) -> tuple[ClockSetting | None, int]:
    """The clock's current value and revision (None, 0 when never set)."""
    from nats.js.errors import KeyNotFoundError

    kv = await dev_clock_bucket(js)
    try:
        entry = await kv.get(DEV_CLOCK_KEY)
    except KeyNotFoundError:
        return None, 0
    return (ClockSetting.decode(entry.value) if entry.value else None), entry.revision or 0


async def set_dev_clock(js: Any, at: datetime, *, rate: float = 0.0, real: Clock = system_clock) -> int:
    """Move the development clock (the simulator's one lever); returns the bucket revision to wait for."""
    if at.tzinfo is None:
        raise ValueError("the development clock's time needs a time zone")
    kv = await dev_clock_bucket(js)
    setting = ClockSetting(at=at.astimezone(UTC), rate=rate, set_at=real() if rate else None)
    return int(await kv.put(DEV_CLOCK_KEY, setting.encode()))
