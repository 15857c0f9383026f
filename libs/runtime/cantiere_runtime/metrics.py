"""Prometheus metrics of a service process (prometheus-client), served at ``/metrics``.

Labels are bounded and never personal: the service name, a partner code of the territory, a route
*template* (``/people/{person_id}``, never the path with its id), a command's route, an outcome word,
a projection name, a read purpose. Counters move as things happen; the outbox and projection gauges
are read from the database and NATS when Prometheus scrapes.

Who may read it: with ``CANTIERE_METRICS_TOKEN`` set (a compose secret in production), only a caller
presenting ``Authorization: Bearer <token>``; without it, anyone outside production and nobody in
production (403). See deploy/README.md, "Metrics".
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector
from pydantic import SecretStr
from sqlalchemy import func, select
from starlette.routing import Match, Mount, Route

from cantiere_runtime.projector import Checkpoints
from cantiere_runtime.schema import events as events_table
from cantiere_runtime.schema import outbox

if TYPE_CHECKING:
    from cantiere_runtime.service import ServiceRuntime

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

REQUESTS = Counter(
    "cantiere_http_requests",
    "HTTP requests answered, by route template and status code.",
    ["service", "method", "route", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "cantiere_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["service", "method", "route"],
    registry=REGISTRY,
)
COMMANDS = Counter(
    "cantiere_commands",
    "Commands (requests that change something) by route template and outcome: accepted, invalid, refused, "
    "denied, not_found, conflict, failed.",
    ["service", "partner", "command", "outcome"],
    registry=REGISTRY,
)
VAULT_READS = Counter(
    "cantiere_vault_reads",
    "Audited reads of personal data from a service's vault, by the reader's partner and the purpose.",
    ["service", "partner", "purpose"],
    registry=REGISTRY,
)
PUBLISHED = Counter(
    "cantiere_outbox_published_events",
    "Public events the outbox relay published and JetStream acknowledged.",
    ["service", "partner"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "cantiere_projection_dead_letters",
    "Messages a projection could not apply and set aside in the dead-letter stream.",
    ["service", "partner", "projection"],
    registry=REGISTRY,
)

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Sign-in, sign-out and language choice change a session, not the programme: not commands.
NOT_COMMANDS = ("/auth/", "/accedi", "/esci", "/uscito", "/lingua")
SCRAPE_TIMEOUT = 2.0


def outcome_of(status: int) -> str:
    """A command's outcome, from the status code of its answer."""
    if status < 400:
        return "accepted"
    return {401: "denied", 403: "denied", 404: "not_found", 409: "conflict", 422: "invalid"}.get(
        status, "refused" if status < 500 else "failed"
    )


def route_of(request: Request) -> str:
    """The template of the route that answered (``/people/{person_id}``), never the path itself."""
    route = request.scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(template, str) and template:
        return template
    for candidate in request.app.routes:  # Starlette's own routes (docs, OpenAPI) and mounts set none
        if isinstance(candidate, Mount) and request.url.path.startswith(candidate.path + "/"):
            return candidate.path  # the mount changed the scope's root path: match by prefix
        if isinstance(candidate, Route) and candidate.matches(request.scope)[0] is Match.FULL:
            return candidate.path
    return "unmatched"


def count_request(request: Request, status: int, seconds: float) -> None:
    """Count a request answered by this service, and the command it carried if any."""
    service, method, route = request.app.state.service_name, request.method, route_of(request)
    REQUESTS.labels(service, method, route, str(status)).inc()
    REQUEST_SECONDS.labels(service, method, route).observe(seconds)
    if method in MUTATING and route != "unmatched" and not route.startswith(NOT_COMMANDS):
        COMMANDS.labels(service, partner_of(request), f"{method} {route}", outcome_of(status)).inc()


def partner_of(request: Request) -> str:
    """The municipality (or partner) a request was for: the caller's, when it is one this process serves."""
    from cantiere_runtime.auth import served_partners

    caller = getattr(request.state, "partner", None)
    return str(caller if caller in served_partners(request.app) else request.app.state.partner)


def may_scrape(request: Request, token: SecretStr | None, production: bool) -> int:
    """200 when the caller may read the metrics, else the status of the refusal."""
    if token is None:
        return 403 if production else 200
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return 401
    return 200 if hmac.compare_digest(given.encode(), token.get_secret_value().encode()) else 403


def install_metrics(app: FastAPI, *, token: SecretStr | None, production: bool) -> None:
    """``GET /metrics`` in the Prometheus text format, for the caller ``may_scrape`` lets in."""

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        status = may_scrape(request, token, production)
        if status != 200:
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return Response("metrics: not for this caller\n", status_code=status, headers=headers)
        runtimes = runtimes_of(app)
        families = await asyncio.gather(*(scrape(r) for r in runtimes)) if runtimes else []
        body = generate_latest(REGISTRY) + generate_latest(_Snapshot(merge(families)))
        return Response(body, media_type=CONTENT_TYPE_LATEST)


def runtimes_of(app: FastAPI) -> list[ServiceRuntime]:
    """The runtimes a process runs: one per served partner (several in an ambito's referrals process)."""
    many: list[ServiceRuntime] | None = getattr(app.state, "runtimes", None)
    one: ServiceRuntime | None = getattr(app.state, "runtime", None)
    return [r for r in many or [one] if r is not None and hasattr(r, "engine")]


class _Snapshot(CollectorRegistry):
    """A registry holding the gauges read at this scrape."""

    def __init__(self, families: Sequence[Metric]) -> None:
        super().__init__(auto_describe=False)
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return iter(self._families)


def merge(per_runtime: Sequence[Sequence[Metric]]) -> list[Metric]:
    """One family per metric name, with every runtime's samples."""
    merged: dict[str, Metric] = {}
    for families in per_runtime:
        for family in families:
            if family.name in merged:
                merged[family.name].samples.extend(family.samples)
            else:
                merged[family.name] = family
    return list(merged.values())


async def scrape(runtime: ServiceRuntime) -> list[Metric]:
    """The outbox and projection gauges of one runtime, read now."""
    service, partner = runtime.name, runtime.settings.partner
    pending = GaugeMetricFamily(
        "cantiere_outbox_pending_events", "Public events waiting in the outbox.", labels=["service", "partner"]
    )
    age = GaugeMetricFamily(
        "cantiere_outbox_oldest_pending_age_seconds",
        "Age of the oldest public event waiting in the outbox (0 when none waits).",
        labels=["service", "partner"],
    )
    lag = GaugeMetricFamily(
        "cantiere_projection_lag_events",
        "Events a projection has yet to apply (stream: pending in its consumer; local: behind the store).",
        labels=["service", "partner", "projection", "source"],
    )
    stopped = GaugeMetricFamily(
        "cantiere_projection_stopped",
        "1 when a fail-closed projection is stopped at an event it cannot apply.",
        labels=["service", "partner", "projection"],
    )
    async with runtime.engine.connect() as conn:
        row = (
            await conn.execute(select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.sent_at.is_(None)))
        ).one()
        last_position = int(await conn.scalar(select(func.max(events_table.c.position))) or 0)
        for projection in runtime.local_projections:
            behind = max(0, last_position - await Checkpoints(runtime.engine).get(projection.name, conn))
            lag.add_metric([service, partner, projection.name, "local"], behind)
    pending.add_metric([service, partner], int(row[0]))
    age.add_metric([service, partner], _age_seconds(row[1]))
    blocked = set(await runtime.blocked_projections())
    for sub in runtime.subscriptions:
        stopped.add_metric([service, partner, sub.projection.name], 1 if sub.projection.name in blocked else 0)
        behind_on_stream = await _consumer_lag(runtime, sub.stream, sub.durable)
        if behind_on_stream is not None:
            lag.add_metric([service, partner, sub.projection.name, "stream"], behind_on_stream)
    return [pending, age, lag, stopped]


def _age_seconds(oldest: Any) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive datetimes: they were stored in UTC
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - oldest).total_seconds())


async def _consumer_lag(runtime: ServiceRuntime, stream: str, durable: str) -> int | None:
    """Messages of a projection's durable not yet acknowledged (None when NATS cannot say now)."""
    if runtime.nc is None or not runtime.nc.is_connected:
        return None
    try:
        info = await runtime.nc.jetstream(timeout=SCRAPE_TIMEOUT).consumer_info(stream, durable)
    except Exception:
        return None
    return int(info.num_pending + info.num_ack_pending)
