"""The referrals service's HTTP API (FastAPI); the lifespan starts and stops the runtime and the NATS responder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cantiere_events import Audience, Producer
from cantiere_runtime.asyncapi import install_asyncapi
from cantiere_runtime.logging import configure_logging
from cantiere_runtime.signin import install_sign_in
from cantiere_runtime.webapp import base_app
from fastapi import FastAPI

from cantiere_referrals.bootstrap import SERVICE, Settings, build_referrals, build_runtime
from cantiere_referrals.entrypoints.pages import install_referrals_pages
from cantiere_referrals.entrypoints.routes import router


def create_app(settings: Settings, *, connect_nats: bool = True) -> FastAPI:
    """The FastAPI application of one referrals instance."""
    settings.check_production()
    configure_logging(f"{SERVICE}-{settings.partner}", fmt=settings.log_format, level=settings.log_level)
    runtime = build_runtime(settings, follow_consortium=connect_nats)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from cantiere_referrals.entrypoints.responder import Responder

        await runtime.start(connect_nats=connect_nats)
        app.state.runtime = runtime
        app.state.referrals = build_referrals(settings, runtime)
        responder = Responder(app.state.referrals, settings.partner)
        if runtime.nc is not None:
            await responder.start(runtime.nc)
        try:
            yield
        finally:
            await responder.stop()
            await runtime.stop()

    app = base_app(
        title=f"Cantiere {SERVICE}",
        service_name=SERVICE,
        partner=settings.partner,
        issuers=settings.oidc_issuers,
        lifespan=lifespan,
    )
    install_asyncapi(
        app, service=Producer.REFERRALS, consumes=[(Producer.PLACEMENTS, Audience.PUBLIC)], server_url=settings.nats.url
    )
    app.include_router(router)
    install_sign_in(app, settings)
    install_referrals_pages(app, settings)
    return app
