"""The placements service's HTTP API (FastAPI); the lifespan starts and stops the runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cantiere_runtime.logging import configure_logging
from cantiere_runtime.webapp import base_app
from fastapi import FastAPI

from cantiere_placements.bootstrap import SERVICE, Settings, build_runtime


def create_app(settings: Settings) -> FastAPI:
    """The FastAPI application of one placements instance."""
    settings.check_production()
    configure_logging(f"{SERVICE}-{settings.partner}", fmt=settings.log_format, level=settings.log_level)
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        app.state.runtime = runtime
        try:
            yield
        finally:
            await runtime.stop()

    return base_app(
        title=f"Cantiere {SERVICE}",
        service_name=SERVICE,
        partner=settings.partner,
        token_secret=settings.token_secret.get_secret_value(),
        lifespan=lifespan,
    )
