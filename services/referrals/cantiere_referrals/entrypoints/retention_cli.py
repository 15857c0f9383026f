"""`python -m cantiere_referrals retention`: erase the personal data whose retention period has run, with progress.

Prints pseudonymous person ids only (in a dry run, and for failures), never personal data.
Exit codes: 0 done, 1 some erasures failed (run again), 2 refused (settings or date).
"""

from __future__ import annotations

import asyncio
from datetime import date

import typer
from pydantic import ValidationError

from cantiere_referrals.bootstrap import SERVICE, Settings, build_referrals, build_runtime, load_settings
from cantiere_referrals.service_layer.retention import Outcome, RetentionReport, erase_expired


def refuse(message: str) -> typer.Exit:
    """Print a refusal (Italian / English) and the exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(2)


def parse_as_of(text: str | None, today: date, dry_run: bool) -> date:
    """The reference date: today by default; a future one only for a dry run (erasure cannot be undone)."""
    if text is None:
        return today
    try:
        as_of = date.fromisoformat(text)
    except ValueError:
        raise refuse(f"Data non valida: {text!r}, usare AAAA-MM-GG / Invalid date: {text!r}, use YYYY-MM-DD") from None
    if as_of > today and not dry_run:
        raise refuse(
            f"La data {as_of} è nel futuro: si può usare solo con --dry-run, la cancellazione non si annulla / "
            f"{as_of} is in the future: allowed only with --dry-run, erasure cannot be undone"
        )
    return as_of


def checked_settings() -> list[Settings]:
    """The settings of each municipality the process serves, with bad retention periods or placeholder periods in
    production refused in plain words."""
    try:
        settings = load_settings()
        settings.check_production()
        members = [settings.for_municipality(code) for code in settings.serves]
        for member in members:
            member.check_retention()
    except ValidationError as invalid:
        raise refuse("\n".join(err["msg"].removeprefix("Value error, ") for err in invalid.errors())) from None
    except ValueError as refused:
        raise refuse(str(refused)) from None
    return members


def show(person_id: str, outcome: Outcome) -> None:
    """One line per person touched (ids are pseudonymous)."""
    lines = {
        Outcome.WOULD_ERASE: f"  da cancellare / due: {person_id}",
        Outcome.ERASED: f"  cancellata / erased: {person_id}",
        Outcome.NO_LONGER_DUE: f"  non più da cancellare, modificata nel frattempo / no longer due: {person_id}",
        Outcome.FAILED: f"  non cancellata, vedi log / not erased, see the log: {person_id}",
    }
    typer.echo(lines[outcome], err=outcome is Outcome.FAILED)


async def run(settings: Settings, as_of: date, dry_run: bool) -> RetentionReport:
    """Erase (or list) on the store; the running service's projectors and relay pick the new events up."""
    runtime = build_runtime(settings, follow_consortium=False, project=False)
    await runtime.start(connect_nats=False)
    try:
        svc = build_referrals(settings, runtime)
        return await erase_expired(svc, settings.retention.policy(), as_of=as_of, dry_run=dry_run, progress=show)
    finally:
        await runtime.stop()


def summary(report: RetentionReport) -> str:
    """The closing lines: how many were erased, or would be."""
    n, checked = len(report.erased), report.checked
    if report.dry_run:
        n = len(report.would_erase)
        lines = [
            f"Prova al {report.as_of}: {n} persone da cancellare su {checked} esaminate, nulla è stato cancellato / "
            f"Dry run as of {report.as_of}: {n} people would be erased out of {checked} checked, nothing was erased"
        ]
    else:
        lines = [
            f"Al {report.as_of}: {n} persone cancellate su {checked} esaminate / "
            f"As of {report.as_of}: {n} people erased out of {checked} checked"
        ]
    if report.failed:
        k = len(report.failed)
        lines.append(
            f"{k} cancellazioni non riuscite: correggere la causa (vedi log) e rilanciare / "
            f"{k} erasures failed: fix the cause (see the log) and run again"
        )
    return "\n".join(lines)


def retention(as_of_text: str | None, dry_run: bool, today: date) -> None:
    """The command: check settings and date, run, print the summary; exit 1 if any erasure failed."""
    from cantiere_runtime.logging import configure_logging

    as_of = parse_as_of(as_of_text, today, dry_run)
    members = checked_settings()
    configure_logging(f"{SERVICE}-{load_settings().partner}", fmt=members[0].log_format, level=members[0].log_level)
    failed = False
    for settings in members:
        if len(members) > 1:
            typer.echo(f"== {settings.partner}")
        failed |= _retention_of(settings, as_of, dry_run)
    if failed:
        raise typer.Exit(1)


def _retention_of(settings: Settings, as_of: date, dry_run: bool) -> bool:
    """One municipality's run; whether any erasure failed."""
    policy = settings.retention
    typer.echo(
        f"Conservazione: {policy.after_referral_ended_days} giorni dopo la chiusura o il ritiro della segnalazione, "
        f"{policy.never_referred_days} giorni per chi non è mai stato segnalato / "
        f"Retention: {policy.after_referral_ended_days} days after the referral was closed or withdrawn, "
        f"{policy.never_referred_days} days for people never referred"
    )
    if not policy.explicit:
        typer.echo(
            "Attenzione: periodi predefiniti, solo segnaposto da far impostare al responsabile della protezione dei "
            "dati / Warning: placeholder defaults, to be set by the data protection officer"
        )
    if dry_run:
        typer.echo("Prova: non viene cancellato nulla / Dry run: nothing is erased")
    report = asyncio.run(run(settings, as_of, dry_run))
    typer.echo(summary(report))
    return bool(report.failed)
