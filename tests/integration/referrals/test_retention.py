"""Erasure by retention on a real store and bus: exactly those whose period has run, as on a data subject's request."""

from __future__ import annotations

import json
from pathlib import Path

import nats
import pytest
from cantiere_events.codes import ErasureBasis
from cantiere_referrals.adapters.vault import ReadPurpose
from cantiere_referrals.domain.person import Person
from cantiere_referrals.service_layer.retention import RETENTION_USER_ID, erase_expired

from .instance import WORKER, running, settled
from .retention_support import (
    AS_OF,
    POLICY,
    erased_events,
    erased_in_caseload,
    erasures_in_outbox,
    event_count,
    in_vault,
    people,
)
from .support import personal_data, sensitive_values


async def test_people_whose_period_has_run_are_erased_and_no_one_else(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        who = await people(bari)
        report = await erase_expired(bari.svc, POLICY, as_of=AS_OF)

        assert set(report.erased) == who.due and not report.failed and not report.no_longer_due
        assert report.checked == len(who.due | who.kept)  # the one erased on request is not even looked at
        assert await in_vault(bari) == who.kept
        for pid in who.due:
            _, data = await bari.svc.read_personal_data(WORKER, pid, ReadPurpose.AUDIT)
            assert data is None
        erased = await erased_events(bari)
        assert set(erased) == who.due | {who.erased_on_request}
        for pid in who.due:
            assert erased[pid]["basis"] == ErasureBasis.RETENTION_EXPIRED.value
            assert erased[pid]["actor"] == {"user_id": RETENTION_USER_ID, "role": "municipal_manager"}
        assert erased[who.erased_on_request]["basis"] == ErasureBasis.DATA_SUBJECT_REQUEST.value

        # The consortium hears of it like any erasure; nothing is published about a person never referred.
        queued = await erasures_in_outbox(bari)
        assert set(queued) == {who.closed_long_ago, who.withdrawn_long_ago, who.erased_on_request}
        assert json.loads(queued[who.closed_long_ago])["basis"] == "retention_expired"
        await bari.drain()

        await settled(bari)
        shown = await erased_in_caseload(bari)
        assert {pid for pid, gone in shown.items() if gone} == who.due | {who.erased_on_request}
        for pid in who.due:
            state: Person = await bari.svc.person(WORKER, pid)
            assert state.erased


async def test_a_second_run_erases_nothing_more(tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        who = await people(bari)
        await erase_expired(bari.svc, POLICY, as_of=AS_OF)
        stored = await event_count(bari)
        again = await erase_expired(bari.svc, POLICY, as_of=AS_OF)
        assert again.erased == [] and again.failed == [] and again.checked == len(who.kept)
        assert await event_count(bari) == stored


async def test_a_dry_run_lists_who_is_due_and_erases_nothing(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        who = await people(bari)
        stored, kept = await event_count(bari), await in_vault(bari)
        report = await erase_expired(bari.svc, POLICY, as_of=AS_OF, dry_run=True)
        assert set(report.would_erase) == who.due and report.erased == []
        assert await event_count(bari) == stored and await in_vault(bari) == kept


async def test_one_failure_is_reported_and_does_not_stop_the_others(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        who = await people(bari)
        vault = bari.svc.vault
        original = vault.erase

        async def failing_for_one(conn, person_id):  # type: ignore[no-untyped-def]
            if person_id == who.withdrawn_long_ago:
                raise RuntimeError("the disk is full")
            return await original(conn, person_id)

        monkeypatch.setattr(vault, "erase", failing_for_one)
        report = await erase_expired(bari.svc, POLICY, as_of=AS_OF)
        assert report.failed == [(who.withdrawn_long_ago, "RuntimeError")]
        assert set(report.erased) == who.due - {who.withdrawn_long_ago}
        assert who.withdrawn_long_ago in await in_vault(bari)  # its transaction rolled back whole
        assert who.withdrawn_long_ago not in await erased_events(bari)

        monkeypatch.setattr(vault, "erase", original)
        retried = await erase_expired(bari.svc, POLICY, as_of=AS_OF)
        assert retried.erased == [who.withdrawn_long_ago] and not retried.failed


async def test_a_referral_reopened_between_the_scan_and_the_erasure_keeps_the_person(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        who = await people(bari)
        svc = bari.svc
        original = svc.erase_if

        async def reopened_meanwhile(principal, person_id, basis, condition):  # type: ignore[no-untyped-def]
            if person_id == who.closed_long_ago:
                await svc.submit(WORKER, person_id)  # a social worker refers her again at that very moment
            return await original(principal, person_id, basis, condition)

        monkeypatch.setattr(svc, "erase_if", reopened_meanwhile)
        report = await erase_expired(svc, POLICY, as_of=AS_OF)
        assert report.no_longer_due == [who.closed_long_ago]
        assert set(report.erased) == who.due - {who.closed_long_ago}
        assert who.closed_long_ago in await in_vault(bari)


async def test_progress_shows_pseudonymous_ids_only(tmp_path: Path, nats_url: str, nc: nats.NATS) -> None:
    async with running(tmp_path, nats_url) as bari:
        who = await people(bari)
        lines: list[str] = []
        await erase_expired(bari.svc, POLICY, as_of=AS_OF, progress=lambda pid, what: lines.append(f"{what} {pid}"))
        assert sorted(lines) == sorted(f"erased {pid}" for pid in who.due)
        for value in sensitive_values(personal_data()):
            assert value not in "\n".join(lines)
