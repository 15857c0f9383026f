"""The referrals service's HTTP API (FastAPI); the lifespan starts and stops the runtime and the NATS responder."""

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

from cantiere_referrals.adapters.vault import SEALED_TABLES
from cantiere_referrals.bootstrap import SERVICE, Settings, build_referrals, build_runtime
from cantiere_referrals.entrypoints.pages import install_referrals_pages
from cantiere_referrals.entrypoints.routes import router


def create_app(settings: Settings, *, connect_nats: bool = True) -> FastAPI:
    """The FastAPI application of one referrals process: one municipality, or each of an ambito's.

    Each served municipality runs as it would alone: its own database, vault, relay, projectors and NATS
    responder; requests reach the one of the caller's own partner (``entrypoints.routes.referrals_of``).
    """
    settings.check_production()
    configure_logging(f"{SERVICE}-{settings.partner}", fmt=settings.log_format, level=settings.log_level)
    members = [settings.for_municipality(code) for code in settings.serves]
    runtimes = {m.partner: build_runtime(m, follow_consortium=connect_nats) for m in members}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from cantiere_referrals.entrypoints.responder import Responder

        responders: list[Responder] = []
        try:
            for member in members:
                runtime = runtimes[member.partner]
                await runtime.start(connect_nats=connect_nats)
                app.state.referrals_by_partner[member.partner] = svc = build_referrals(member, runtime)
                # A keyring without a key that rows still use would fail reads later: refuse to start instead.
                await check_keys_in_use(runtime.engine, svc.vault.keys, SEALED_TABLES)
                responder = Responder(svc, member.partner)
                if runtime.nc is not None:
                    await responder.start(runtime.nc)
                responders.append(responder)
            if len(members) == 1:
                app.state.runtime = runtimes[members[0].partner]
                app.state.referrals = app.state.referrals_by_partner[members[0].partner]
            yield
        finally:
            for responder in responders:
                await responder.stop()
            for runtime in runtimes.values():
                await runtime.stop()

    app = base_app(
        title=f"Cantiere {SERVICE}",
        service_name=SERVICE,
        partner=settings.partner,
        issuers=settings.oidc_issuers,
        dev_clock=settings.dev_clock,
        lifespan=lifespan,
    )
    app.state.referrals_by_partner = {}
    app.state.runtimes = list(runtimes.values())
    if settings.municipalities:
        app.state.partners = frozenset(settings.municipalities)
    install_asyncapi(
        app, service=Producer.REFERRALS, consumes=[(Producer.PLACEMENTS, Audience.PUBLIC)], server_url=settings.nats.url
    )
    app.include_router(router)
    install_metrics(app, token=settings.metrics_token, production=settings.environment == "production")
    install_sign_in(app, settings)
    install_referrals_pages(app, settings)
    return app
