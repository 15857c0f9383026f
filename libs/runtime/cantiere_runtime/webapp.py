"""The HTTP side every service shares: error answers in plain words, request-bound log ids, health and readiness."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text

from cantiere_runtime import correlation
from cantiere_runtime.bus import is_connected
from cantiere_runtime.errors import UserFacingError
from cantiere_runtime.identity.issuers import IssuerSettings
from cantiere_runtime.identity.verify import TokenVerifier
from cantiere_runtime.logging import bound
from cantiere_runtime.metrics import count_request, route_of
from cantiere_runtime.store import ConcurrencyError

log = structlog.get_logger("cantiere.http")

QUIET_PATHS = frozenset({"/health", "/live", "/metrics"})  # polled all day: logged at debug level
FIELD_LABELS_IT = {"missing": "è obbligatorio", "string_pattern_mismatch": "non ha il formato atteso"}


def _validation_message(exc: RequestValidationError) -> tuple[str, str, list[dict[str, Any]]]:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path"))
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
        msg = msg.removeprefix("Value error, ")
        problems.append({"field": where, "problem": msg})
    first = problems[0] if problems else {"field": "", "problem": "dati non validi"}
    it = f"Dati non validi: {first['field']}: {first['problem']}"
    en = f"Invalid data: {first['field']}: {first['problem']}"
    return it, en, problems


def install_error_handlers(app: FastAPI) -> None:
    """Domain and validation errors become 4xx with a message; anything unexpected a 500 without a trace."""

    @app.exception_handler(UserFacingError)
    async def _user_facing(_: Request, exc: UserFacingError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        it, en, problems = _validation_message(exc)
        body = {"error": "invalid_input", "message": it, "message_en": en, "problems": problems}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(ConcurrencyError)
    async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
        body = {
            "error": "concurrent_change",  # not a refusal: the same command may pass once the page is reloaded
            "message": "Qualcun altro ha modificato questa pratica nel frattempo: ricarica e riprova.",
            "message_en": str(exc),
        }
        return JSONResponse(body, status_code=409)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected_error", kind=type(exc).__name__)
        body = {
            "error": "internal",
            "message": "Si è verificato un errore interno: riprova più tardi.",
            "message_en": "Internal error: please try again later.",
        }
        return JSONResponse(body, status_code=500)


def install_request_context(app: FastAPI) -> None:
    """Per request: a correlation id (the caller's ``X-Request-ID`` / ``X-Correlation-ID`` when it is a UUID,
    else a new one) bound to every log line and carried into the events the request causes, returned in both
    headers; the request counted in the metrics and logged with its route template, never its path."""

    @app.middleware("http")
    async def _context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        correlation_id = correlation.from_headers(request.headers)
        started = time.perf_counter()
        with correlation.correlated(correlation_id), bound(correlation_id=correlation_id):
            status = 500  # unless an answer comes back: the unexpected-error handler answers outside
            try:
                response = await call_next(request)
                status = response.status_code
            finally:
                seconds = time.perf_counter() - started
                count_request(request, status, seconds)
                (log.debug if request.url.path in QUIET_PATHS else log.info)(
                    "http_request",
                    method=request.method,
                    route=route_of(request),
                    status=status,
                    duration_ms=round(seconds * 1000, 1),
                )
        response.headers["X-Request-ID"] = response.headers["X-Correlation-ID"] = str(correlation_id)
        return response


def install_health(app: FastAPI, *, dev_clock: bool = False) -> None:
    """GET /live (the process answers) and GET /health (ready: NATS and database reachable, else 503); with the
    development clock on, GET /dev/clock (the route does not exist otherwise, production included)."""

    @app.get("/live", tags=["health"], summary="Liveness")
    async def live() -> dict[str, str]:
        return {"status": "alive", "service": app.state.service_name}

    if dev_clock:
        install_dev_clock_route(app)

    @app.get("/health", tags=["health"], summary="Readiness: NATS and database connectivity")
    async def health() -> JSONResponse:
        # One runtime per served partner (several in a process shared by the municipalities of an ambito).
        runtimes = getattr(app.state, "runtimes", None) or [r for r in [getattr(app.state, "runtime", None)] if r]
        nats_ok = bool(runtimes) and all([await is_connected(r.nc) for r in runtimes])
        db_ok = bool(runtimes)
        blocked: list[str] = []
        for runtime in runtimes:
            try:
                async with runtime.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            except Exception:
                db_ok = False
                continue
            names = await runtime.blocked_projections()
            blocked += [f"{runtime.settings.partner}: {n}" for n in names] if len(runtimes) > 1 else names
        ok = nats_ok and db_ok
        body: dict[str, Any] = {
            "status": ("degraded" if blocked else "ok") if ok else "unavailable",
            "service": app.state.service_name,
            "partner": app.state.partner,
            "nats": "ok" if nats_ok else "unreachable",
            "database": "ok" if db_ok else "unreachable",
            "blocked_projections": blocked,  # fail-closed read models waiting for a fix (see the logs)
        }
        if clock := _dev_clock(runtimes):
            body["dev_clock"] = clock
        partners = getattr(app.state, "partners", None)
        if partners:
            body["partners"] = sorted(partners)
        return JSONResponse(body, status_code=200 if ok else 503)


def _dev_clock(runtimes: Sequence[Any]) -> dict[str, object] | None:
    """The development clock as the service follows it (the lowest revision of its runtimes), or None."""
    clocks = [r.dev_clock for r in runtimes if getattr(r, "dev_clock", None) is not None]
    if not clocks:
        return None
    return {**clocks[0].describe(), "revision": min(c.revision for c in clocks)}


def install_dev_clock_route(app: FastAPI) -> None:
    """GET /dev/clock (development only): the simulator waits here until every service follows its last move of
    the clock; cheap, as it is asked before every simulated day. 404 until the clock is followed."""

    @app.get("/dev/clock", include_in_schema=False)
    async def dev_clock() -> JSONResponse:
        runtimes = getattr(app.state, "runtimes", None) or [r for r in [getattr(app.state, "runtime", None)] if r]
        clock = _dev_clock(runtimes)
        if clock is None:
            return JSONResponse({"error": "not_found", "message": "Non trovato.", "message_en": "Not found."}, 404)
        return JSONResponse(clock)


def base_app(
    *,
    title: str,
    service_name: str,
    partner: str,
    issuers: Sequence[IssuerSettings],
    dev_clock: bool = False,
    **kwargs: Any,
) -> FastAPI:
    """A FastAPI app with Cantiere's error answers, request context, health routes and the token verifier of
    the issuers this service trusts."""
    app = FastAPI(title=title, **kwargs)
    app.state.service_name = service_name
    app.state.partner = partner
    app.state.verifier = TokenVerifier(issuers)
    install_error_handlers(app)
    install_request_context(app)
    install_health(app, dev_clock=dev_clock)
    return app
