"""The placements service's HTTP API (FastAPI); the lifespan starts and stops the runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cantiere_events import Audience, Producer
from cantiere_runtime.asyncapi import install_asyncapi
from cantiere_runtime.logging import configure_logging
from cantiere_runtime.metrics import install_metrics
from cantiere_runtime.signin import install_sign_in
from cantiere_runtime.vault_rotation import check_keys_in_use
from cantiere_runtime.webapp import base_app
from fastapi import FastAPI

from cantiere_placements.adapters.referrals_gateway import ReferralsGateway
from cantiere_placements.adapters.vault import SEALED_TABLES
from cantiere_placements.bootstrap import SERVICE, Settings, build_runtime, wire
from cantiere_placements.entrypoints import (
    routes_candidates,
    routes_documents,
    routes_hosts,
    routes_placements,
    routes_views,
)
from cantiere_placements.entrypoints.deps import Clock, install_domain_errors, utc_now
from cantiere_placements.entrypoints.pages import install_placements_pages


def create_app(settings: Settings, *, referrals: ReferralsGateway | None = None, clock: Clock | None = None) -> FastAPI:
    """The FastAPI application of the placements service (tests may pass a referrals gateway and a clock; by
    default the runtime's: the real time, or the development clock)."""
    settings.check_production()
    configure_logging(f"{SERVICE}-{settings.partner}", fmt=settings.log_format, level=settings.log_level)
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            app.state.runtime = runtime
            app.state.wiring = wiring = wire(runtime, settings, referrals)
            app.state.clock = clock or runtime.clock
            # A keyring without a key that rows still use would fail reads later: refuse to start instead.
            await check_keys_in_use(runtime.engine, wiring.vault.keys, SEALED_TABLES)
            yield
        finally:
            await runtime.stop()

    app = base_app(
        title=f"Cantiere {SERVICE}",
        service_name=SERVICE,
        partner=settings.partner,
        issuers=settings.oidc_issuers,
        dev_clock=settings.dev_clock,
        lifespan=lifespan,
    )
    install_asyncapi(
        app,
        service=Producer.PLACEMENTS,
        consumes=[(Producer.REFERRALS, Audience.PUBLIC), (Producer.REFERRALS, Audience.RESTRICTED)],
        server_url=settings.nats.url,
    )
    app.state.clock = clock or utc_now
    install_domain_errors(app)
    for module in (routes_candidates, routes_hosts, routes_placements, routes_views, routes_documents):
        app.include_router(module.router)
    install_metrics(app, token=settings.metrics_token, production=settings.environment == "production")
    install_sign_in(app, settings)
    install_placements_pages(app, settings)
    return app
