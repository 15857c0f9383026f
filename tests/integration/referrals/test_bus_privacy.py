"""What crosses the bus: the contract events of a referral, and not one byte of anyone's identity."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import nats
import pytest
from cantiere_events.codes import ClosureReason, ConsentScope, ErasureBasis, ReferralWithdrawalReason
from cantiere_referrals.domain import commands as c
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.logging import configure_logging
from nats.aio.msg import Msg

from .instance import WORKER, running
from .invented import PEOPLE, vat_number
from .support import INVENTED, personal_data, sensitive_values


async def _stream(nc: nats.NATS, stream: str) -> list[tuple[str, bytes, dict[str, str]]]:
    js = nc.jetstream()
    info = await js.stream_info(stream)
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(stream, seq)
        out.append((msg.subject or "", msg.data or b"", dict(msg.headers or {})))
    return out


async def test_a_referral_reaches_the_bus_without_any_vault_value(
    tmp_path: Path, nats_url: str, nc: nats.NATS, service_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    logs = io.StringIO()
    configure_logging("referrals-test", fmt="json", level="DEBUG", stream=logs)
    caplog.set_level(logging.DEBUG)
    seen: list[tuple[str, bytes, dict[str, str]]] = []

    async def spy(msg: Msg) -> None:
        seen.append((msg.subject, msg.data, dict(msg.headers or {})))

    await nc.subscribe("cantiere.>", cb=spy)
    async with running(tmp_path, nats_url, database_url=service_db) as bari:
        pid = await bari.referred(contact_consent=True)
        await bari.svc.record_constraints(
            WORKER,
            pid,
            [PEOPLE["Oleandro Zampognaro"]],
            excluded_hosts=(vat_number(12),),
            excluded_municipalities=("triggiano",),
        )
        await bari.svc.handle(WORKER, pid, c.WithdrawReferral(reason=ReferralWithdrawalReason.PERSON_REQUEST))
        await bari.svc.submit(WORKER, pid)
        await bari.svc.handle(WORKER, pid, c.CloseReferral(reason=ClosureReason.PATH_COMPLETED))
        await bari.svc.handle(WORKER, pid, c.WithdrawConsent(scope=ConsentScope.SHARE_CONTACT_DETAILS))
        await bari.svc.handle(WORKER, pid, c.ErasePersonalData(basis=ErasureBasis.DATA_SUBJECT_REQUEST))
        await bari.drain()
        await nc.flush()
    stored = await _stream(nc, PUBLIC_STREAM.name) + await _stream(nc, RESTRICTED_STREAM.name)
    types = [subject.rsplit(".", 1)[1] for subject, _, _ in stored]
    assert {
        "ReferralSubmitted",
        "ConsentRecorded",
        "ConsentWithdrawn",
        "KeepApartTokenRegistered",
        "SafetyConstraintsRecorded",
        "ReferralWithdrawn",
        "ReferralClosed",
        "PersonalDataErased",
    } <= set(types)
    assert all(
        s.startswith("cantiere.restricted.")
        for s, *_ in stored
        if s.endswith(("SafetyConstraintsRecorded", "KeepApartTokenRegistered"))
    )
    submitted = next(json.loads(d) for s, d, _ in stored if s.endswith("ReferralSubmitted"))
    assert pid in json.dumps(submitted)
    secrets = [*sensitive_values(personal_data()), PEOPLE["Oleandro Zampognaro"], str(INVENTED["birth_date"])]
    everything = [*stored, *seen]
    assert len(seen) >= len(stored) > 0
    for subject, data, headers in everything:
        blob = (subject + json.dumps(headers)).encode() + data
        for secret in secrets:
            assert secret.encode() not in blob and secret.lower().encode() not in blob.lower(), subject
    captured = logs.getvalue() + caplog.text
    for secret in secrets:
        assert secret not in captured
    if service_db.startswith("sqlite"):  # the whole database at rest: vault, events, outbox, read models
        database = Path(service_db.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert pid.encode() in raw
        for secret in secrets:
            assert secret.encode() not in raw
