"""The monitoring service's HTTP API (FastAPI); the lifespan starts and stops the runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from cantiere_events import Audience, Producer
from cantiere_runtime.asyncapi import install_asyncapi
from cantiere_runtime.identity.issuers import IssuerSettings
from cantiere_runtime.logging import configure_logging
from cantiere_runtime.metrics import install_metrics
from cantiere_runtime.signin import install_sign_in
from cantiere_runtime.territory import Territory
from cantiere_runtime.webapp import base_app
from fastapi import FastAPI

from cantiere_monitoring.bootstrap import SERVICE, Settings, build_runtime, load_settings_territory, service_figures
from cantiere_monitoring.entrypoints.pages import install_monitoring_pages
from cantiere_monitoring.entrypoints.routes import router


def monitoring_app(territory: Territory, issuers: Sequence[IssuerSettings], **kwargs: object) -> FastAPI:
    """The routes on a base app whose partner is the territory's monitoring partner (set `state.figures`)."""
    app = base_app(
        title=f"Cantiere {SERVICE}",
        service_name=SERVICE,
        partner=territory.partners.monitoring.code,
        issuers=issuers,
        **kwargs,
    )
    install_asyncapi(
        app,
        service=Producer.MONITORING,
        consumes=[(Producer.REFERRALS, Audience.PUBLIC), (Producer.PLACEMENTS, Audience.PUBLIC)],
    )
    app.include_router(router)
    return app


def create_app(settings: Settings) -> FastAPI:
    """The FastAPI application of one monitoring instance."""
    settings.check_production()
    configure_logging(f"{SERVICE}-{settings.partner}", fmt=settings.log_format, level=settings.log_level)
    territory = load_settings_territory(settings)
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        app.state.runtime = runtime
        app.state.figures = service_figures(runtime, territory)
        try:
            yield
        finally:
            await runtime.stop()

    app = monitoring_app(territory, settings.oidc_issuers, dev_clock=settings.dev_clock, lifespan=lifespan)
    install_metrics(app, token=settings.metrics_token, production=settings.environment == "production")
    install_sign_in(app, settings)
    install_monitoring_pages(app, territory)
    return app
