"""`python -m cantiere_referrals reissue-tokens`: re-register every person's keep-apart tokens in canonical form.

Prints pseudonymous person ids only, never personal data. Safe to run again (a person already current
changes nothing) and beside the running service (its relay publishes what this queues).
Exit codes: 0 done, 2 refused (settings).
"""

from __future__ import annotations

import asyncio

import typer

from cantiere_referrals.bootstrap import SERVICE, Settings, build_referrals, build_runtime
from cantiere_referrals.entrypoints.retention_cli import refuse
from cantiere_referrals.service_layer.reissue import Reissued, ReissueReport, reissue_tokens

LINES = {
    Reissued.UPDATED: "  aggiornata / updated: {}",
    Reissued.CURRENT: "  già aggiornata / already current: {}",
    Reissued.SKIPPED: "  saltata (cancellata) / skipped (erased): {}",
    Reissued.SHARED_CODE: (
        "  stesso codice fiscale di un'altra scheda, da unire a mano / same tax code as another file, merge by hand: {}"
    ),
}


def show(person_id: str, outcome: Reissued) -> None:
    """One line per person (ids are pseudonymous)."""
    typer.echo(LINES[outcome].format(person_id), err=outcome is Reissued.SHARED_CODE)


async def run(settings: Settings) -> ReissueReport:
    """Re-register on the store; the running service's relay publishes the queued events."""
    runtime = build_runtime(settings, follow_consortium=False, project=False)
    await runtime.start(connect_nats=False)
    try:
        return await reissue_tokens(build_referrals(settings, runtime), progress=show)
    finally:
        await runtime.stop()


def reissue() -> None:
    """The command: check settings, run, print the summary."""
    from cantiere_runtime.logging import configure_logging

    from cantiere_referrals.bootstrap import load_settings

    try:
        settings = load_settings()
        settings.check_production()
    except ValueError as refused:
        raise refuse(str(refused)) from None
    configure_logging(f"{SERVICE}-{settings.partner}", fmt=settings.log_format, level=settings.log_level)
    for code in settings.serves:
        if settings.municipalities:
            typer.echo(f"== {code}")
        _summary(asyncio.run(run(settings.for_municipality(code))))


def _summary(report: ReissueReport) -> None:
    n = {o: len(ids) for o, ids in report.by_outcome.items()}
    typer.echo(
        f"{report.checked} persone esaminate: {n[Reissued.UPDATED]} aggiornate, {n[Reissued.CURRENT]} già "
        f"aggiornate, {n[Reissued.SKIPPED]} saltate, {n[Reissued.SHARED_CODE]} con codice condiviso / "
        f"{report.checked} people checked: {n[Reissued.UPDATED]} updated, {n[Reissued.CURRENT]} already current, "
        f"{n[Reissued.SKIPPED]} skipped, {n[Reissued.SHARED_CODE]} sharing a code"
    )
