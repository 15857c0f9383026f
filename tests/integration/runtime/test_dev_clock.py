"""The development clock: services take "now" from it only in development, and nothing else moves it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
import pytest
from cantiere_runtime.clock import DEV_CLOCK_BUCKET, ClockSetting, set_dev_clock
from cantiere_runtime.settings import ServiceSettings

from tests.integration.referrals.instance import running
from tests.integration.referrals.support import settings as referrals_settings

PILOT_DAY = datetime(2008, 3, 3, 8, 30, tzinfo=UTC)
DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def test_production_settings_refuse_the_development_clock() -> None:
    settings = ServiceSettings(environment="production", dev_clock=True, public_url="https://x.example")
    with pytest.raises(ValueError, match="CANTIERE_DEV_CLOCK"):
        settings.check_production()


def test_the_clock_stands_still_while_the_simulator_plays_and_runs_at_real_speed_afterwards() -> None:
    real = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    assert ClockSetting(at=PILOT_DAY).now(real + timedelta(hours=5)) == PILOT_DAY
    running_on = ClockSetting.decode(ClockSetting(at=PILOT_DAY, rate=1.0, set_at=real).encode())
    assert running_on.now(real + timedelta(hours=5)) == PILOT_DAY + timedelta(hours=5)


async def _occurred_at(instance: Any, person_id: str) -> datetime:
    loaded = await instance.runtime.store.load(person_id)
    return loaded.events[0].metadata.occurred_at


async def _followed(instance: Any, revision: int) -> None:
    for _ in range(100):
        if instance.runtime.dev_clock is not None and instance.runtime.dev_clock.revision >= revision:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not follow the development clock")


async def test_a_service_on_the_development_clock_stamps_its_events_with_the_simulated_time(
    nats_url: str, tmp_path: Path
) -> None:
    nc = await nats.connect(nats_url)
    try:
        assert referrals_settings(tmp_path).dev_clock is False  # off unless asked for
        async with running(tmp_path, nats_url, dev_clock=True) as instance:
            revision = await set_dev_clock(nc.jetstream(), PILOT_DAY)
            await _followed(instance, revision)
            person_id = await instance.register()
            assert await _occurred_at(instance, person_id) == PILOT_DAY
            later = await set_dev_clock(nc.jetstream(), PILOT_DAY + timedelta(days=40))
            await _followed(instance, later)
            assert instance.runtime.clock() == PILOT_DAY + timedelta(days=40)
    finally:
        await nc.jetstream().delete_key_value(DEV_CLOCK_BUCKET)  # other tests share this server
        await nc.close()


async def test_a_service_without_the_development_clock_keeps_the_real_time_whatever_the_bucket_says(
    nats_url: str, tmp_path: Path
) -> None:
    nc = await nats.connect(nats_url)
    try:
        await set_dev_clock(nc.jetstream(), PILOT_DAY)
        async with running(tmp_path, nats_url) as instance:
            assert instance.runtime.dev_clock is None
            person_id = await instance.register()
            stamped = await _occurred_at(instance, person_id)
            assert abs(stamped - datetime.now(UTC)) < timedelta(minutes=5)
    finally:
        await nc.jetstream().delete_key_value(DEV_CLOCK_BUCKET)
        await nc.close()


def _request_fields(app: Any) -> set[str]:
    """Every request body property, query, path and header parameter name of a service's OpenAPI."""
    spec = app.openapi()
    names: set[str] = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            names |= {p["name"].lower() for p in operation.get("parameters", [])}
    for schema in spec.get("components", {}).get("schemas", {}).values():
        names |= {name.lower() for name in schema.get("properties", {})}
    return names


def test_no_request_of_any_service_can_name_the_time_of_an_event(tmp_path: Path) -> None:
    from cantiere_monitoring.bootstrap import load_settings as monitoring_settings
    from cantiere_monitoring.entrypoints.api import create_app as monitoring_app
    from cantiere_placements.bootstrap import load_settings as placements_settings
    from cantiere_placements.entrypoints.api import create_app as placements_app
    from cantiere_referrals.bootstrap import load_settings as referrals_settings
    from cantiere_referrals.entrypoints.api import create_app as referrals_app

    common = {"environment": "test", "database_url": f"sqlite:///{tmp_path / 'x.db'}"}
    apps = [
        referrals_app(referrals_settings(**common)),
        placements_app(placements_settings(**common)),
        monitoring_app(monitoring_settings(**common)),
    ]
    forbidden = {"occurred_at", "now", "clock", "dev_clock", "x-cantiere-time", "time", "submitted_on"}
    for app in apps:
        assert not forbidden & _request_fields(app), app.title
        # and without the development clock (production included) its route does not exist at all
        assert "/dev/clock" not in {getattr(route, "path", None) for route in app.routes}, app.title


def test_production_nats_permissions_grant_nobody_the_development_clock() -> None:
    for conf in [DEPLOY / "nats" / "accounts.conf", *(DEPLOY / "nats").glob("*/*.conf")]:
        text = conf.read_text(encoding="utf-8")
        assert DEV_CLOCK_BUCKET not in text and not re.search(r"\$KV\.", text), conf
