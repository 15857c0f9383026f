"""`python -m cantiere_referrals retention` as an operator runs it: dry run, erasure, a second run, refusals."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import nats
from cantiere_referrals.entrypoints.cli import app
from cantiere_runtime.logging import configure_logging
from click.testing import Result
from typer.testing import CliRunner

from tests.support.identity import production_sign_in

from .instance import running, settled
from .retention_support import erased_in_caseload, erasures_in_outbox, in_vault, people
from .support import personal_data, sensitive_values


def environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        "CANTIERE_PARTNER": "bari",
        "CANTIERE_DATABASE_URL": database_url,
        "CANTIERE_ENVIRONMENT": "test",
        "CANTIERE_LOG_FORMAT": "json",
        "CANTIERE_RETENTION__AFTER_REFERRAL_ENDED_DAYS": "365",
        "CANTIERE_RETENTION__NEVER_REFERRED_DAYS": "180",
        **extra,
    }


async def retention(env: dict[str, str], *args: str) -> Result:
    result = await asyncio.to_thread(CliRunner().invoke, app, ["retention", *args], env=env)
    configure_logging("referrals-test", fmt="json", level="WARNING", stream=sys.stderr)  # not the runner's stream
    return result


async def test_the_command_erases_who_is_due_once_and_a_dry_run_erases_nothing(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        who = await people(bari)
        before = await in_vault(bari)
    env = environment(service_db)

    dry = await retention(env, "--as-of", "2024-06-30", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "3 persone da cancellare su 7 esaminate" in dry.output and "3 people would be erased" in dry.output
    assert all(f"da cancellare / due: {pid}" in dry.output for pid in who.due)

    done = await retention(env, "--as-of", "2024-06-30")
    assert done.exit_code == 0, done.output
    assert "3 persone cancellate su 7 esaminate / As of 2024-06-30: 3 people erased out of 7 checked" in done.output
    again = await retention(env, "--as-of", "2024-06-30")
    assert again.exit_code == 0 and "0 persone cancellate su 4 esaminate" in again.output
    for value in sensitive_values(personal_data()):
        assert value not in dry.output + done.output + again.output

    # The service, started again, shows them erased and tells the consortium.
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        assert await in_vault(bari) == before - who.due
        await settled(bari)
        shown = await erased_in_caseload(bari)
        assert {pid for pid, gone in shown.items() if gone} == who.due | {who.erased_on_request}
        assert {who.closed_long_ago, who.withdrawn_long_ago} <= set(await erasures_in_outbox(bari))
        await bari.drain()


async def test_without_a_date_the_command_works_as_of_today(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        await people(bari)
    result = await retention(environment(service_db), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Prova al " in result.output and "nulla è stato cancellato" in result.output


async def test_the_command_refuses_a_future_date_a_bad_date_and_bad_periods(tmp_path: Path) -> None:
    env = environment(f"sqlite:///{tmp_path / 'bari.db'}")
    future = await retention(env, "--as-of", "2999-01-01")
    assert future.exit_code == 2 and "si può usare solo con --dry-run" in future.output
    assert "allowed only with --dry-run" in future.output
    bad_date = await retention(env, "--as-of", "30/06/2024")
    assert bad_date.exit_code == 2 and "usare AAAA-MM-GG / Invalid date" in bad_date.output
    zero = await retention({**env, "CANTIERE_RETENTION__NEVER_REFERRED_DAYS": "0"}, "--dry-run")
    assert zero.exit_code == 2
    assert "CANTIERE_RETENTION__NEVER_REFERRED_DAYS: il periodo di conservazione" in zero.output
    assert not (tmp_path / "bari.db").exists()  # refused before touching the database


async def test_production_refuses_to_erase_with_the_placeholder_periods(tmp_path: Path) -> None:
    env = environment(
        f"sqlite:///{tmp_path / 'bari.db'}",
        CANTIERE_ENVIRONMENT="production",
        CANTIERE_OIDC_ISSUERS=json.dumps(production_sign_in()["oidc_issuers"]),
        CANTIERE_PUBLIC_URL=production_sign_in()["public_url"],
        CANTIERE_VAULT_KEY="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        CANTIERE_PROGRAMME_KEY="another-real-key",
    )
    del env["CANTIERE_RETENTION__NEVER_REFERRED_DAYS"]
    result = await retention(env, "--dry-run")
    assert result.exit_code == 2 and "responsabile della protezione dei dati" in result.output


async def test_in_an_ambito_process_each_municipality_is_erased_by_its_own_periods(tmp_path: Path) -> None:
    env = {
        "CANTIERE_PARTNER": "ambito-triggiano",
        "CANTIERE_MUNICIPALITIES": '["triggiano", "capurso"]',
        "CANTIERE_DATABASE_URL": f"sqlite:///{tmp_path / 'ambito.db'}",
        "CANTIERE_ENVIRONMENT": "test",
        "CANTIERE_LOG_FORMAT": "json",
        "CANTIERE_RETENTION__AFTER_REFERRAL_ENDED_DAYS": "365",
        "CANTIERE_RETENTION__NEVER_REFERRED_DAYS": "180",
        "CANTIERE_MUNICIPALITY__CAPURSO__RETENTION": '{"after_referral_ended_days": 700, "never_referred_days": 90}',
    }
    result = await retention(env, "--dry-run", "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.output
    triggiano, capurso = result.output.split("== capurso")
    assert "== triggiano" in triggiano and "365 giorni dopo la chiusura" in triggiano and "180 giorni" in triggiano
    assert "700 giorni dopo la chiusura" in capurso and "90 giorni per chi" in capurso
    assert {p.name for p in tmp_path.glob("*.db")} == {"ambito-triggiano.db", "ambito-capurso.db"}
