"""Metrics and logs of the running programme (service processes, real NATS, real SQLite).

`/metrics` of each service shows what was caused through the APIs (requests, command outcomes, vault
reads, outbox backlog and age, projection lag, a stopped projection) with bounded labels and no personal
value; every log line is JSON, uvicorn's included; a request's correlation id reaches the event's metadata
on the bus and the log lines of the projectors of placements and monitoring that apply it.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from cantiere_runtime.bus import PUBLIC_STREAM
from nats.js.errors import NotFoundError

from tests.conftest import NatsUnderTest, fresh_streams
from tests.support.metrics import sample

from .people import BARI, PEOPLE
from .processes import Fleet, Service, fleet, until
from .programme import WORKER, start_programme

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

PERSON = PEOPLE[1]  # invented
UNDECODABLE = b"\xff\x00 not an event"


async def metrics(http: httpx.AsyncClient, service: Service) -> str:
    answer = await http.get(f"{service.url}/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


async def register_and_refer(http: httpx.AsyncClient, bari: Service, correlation_id: uuid.UUID) -> str:
    """The social worker's steps; the referral itself is sent with ``correlation_id`` as its X-Request-ID."""
    worker = WORKER[BARI]
    body = {"personal_data": PERSON.personal_data(), "district": PERSON.district, "profile": {"languages": ["it"]}}
    registered = await http.post(f"{bari.url}/people", json=body, headers=worker)
    assert registered.status_code == 201, registered.text
    person_id: str = registered.json()["id"]
    for scope in ("share_with_consortium", "aggregate_statistics"):
        consent = {"scope": scope, "form_version": "2026-1"}
        assert (await http.post(f"{bari.url}/people/{person_id}/consents", json=consent, headers=worker)).is_success
    eligibility = {"taken_into_care_on": "2026-01-12", "category": PERSON.category,
                   "referring_service": "anti_violence_centre"}  # fmt: skip
    assert (await http.post(f"{bari.url}/people/{person_id}/eligibility", json=eligibility, headers=worker)).is_success
    referral = await http.post(
        f"{bari.url}/people/{person_id}/referrals", headers={**worker, "X-Request-ID": str(correlation_id)}
    )
    assert referral.status_code == 201, referral.text
    assert referral.headers["X-Request-ID"] == str(correlation_id)
    return person_id


def json_lines(service: Service) -> list[dict[str, Any]]:
    """Every line the process wrote, each parsed as JSON (a line that is not JSON fails the test)."""
    lines = []
    for number, line in enumerate(service.log.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                raise AssertionError(f"{service.name} log line {number} is not JSON: {line[:200]}") from None
    return lines


async def test_metrics_show_what_happened_and_the_correlation_id_follows_the_referral_to_the_projectors(
    nats_url: str, tmp_path: Path
) -> None:
    correlation_id = uuid.uuid4()
    with fleet(tmp_path) as processes:
        start_programme(processes, nats_url, date.today(), municipalities=(BARI,), CANTIERE_LOG_LEVEL="DEBUG")
        await processes.healthy(timeout=60)
        bari, placements, monitoring = (processes.services[n] for n in (BARI, "placements", "monitoring"))
        async with httpx.AsyncClient(timeout=10) as http:
            person_id = await register_and_refer(http, bari, correlation_id)
            invalid = await http.post(f"{bari.url}/people/{person_id}/eligibility", json={}, headers=WORKER[BARI])
            assert invalid.status_code == 422
            read = await http.get(f"{bari.url}/people/{person_id}?reason=case_management", headers=WORKER[BARI])
            assert read.status_code == 200

            # The referral's correlation id is in its event's metadata on the bus ...
            nc = await nats.connect(nats_url)

            async def on_the_bus() -> dict[str, str] | None:
                subject = f"cantiere.public.referrals.{BARI}.ReferralSubmitted"
                try:
                    return (await nc.jetstream().get_last_msg(PUBLIC_STREAM.name, subject)).headers
                except NotFoundError:
                    return None

            try:
                headers = await until(on_the_bus, 30, "the referral on the bus")
            finally:
                await nc.close()
            assert headers["ce-correlationid"] == str(correlation_id)

            # ... and in the log lines of the projectors that apply it, at the consortium and the Region.
            def applied_with_it(service: Service) -> list[dict[str, Any]]:
                return [line for line in json_lines(service) if line.get("event") == "projection_applied"
                        and line.get("correlation_id") == str(correlation_id)]  # fmt: skip

            for service in (placements, monitoring):

                async def logged(s: Service = service) -> list[dict[str, Any]]:
                    return applied_with_it(s)

                lines = await until(logged, 30, f"{service.name} to log applying the referral")
                assert {line["event_type"] for line in lines} >= {"ReferralSubmitted"}
                assert all(line["service"].startswith(service.name) for line in lines)

            referrals = {"service": "referrals", "partner": BARI}

            async def marked_sent() -> str | None:  # the relay counts once it has marked the events sent
                text = await metrics(http, bari)
                return text if sample(text, "cantiere_outbox_published_events_total", **referrals) else None

            text = await until(marked_sent, 30, "the relay to count what it published")
            command = "POST /people/{person_id}/referrals"
            assert sample(text, "cantiere_commands_total", **referrals, command=command, outcome="accepted") == 1
            assert sample(text, "cantiere_commands_total", **referrals, outcome="invalid") == 1
            assert sample(text, "cantiere_http_requests_total", route="/people/{person_id}", status="200") == 1
            assert sample(text, "cantiere_vault_reads_total", **referrals, purpose="case_management") == 1
            assert sample(text, "cantiere_outbox_pending_events", **referrals) is not None
            assert sample(text, "cantiere_outbox_oldest_pending_age_seconds", **referrals) is not None
            assert sample(text, "cantiere_projection_lag_events", **referrals, source="local") is not None
            assert_nothing_personal(text, person_id)

            # Monitoring's consent projection fails closed on an event it cannot read: stopped, and behind.
            nc = await nats.connect(nats_url)
            try:
                await nc.jetstream().publish(f"cantiere.public.referrals.{BARI}.ConsentWithdrawn", UNDECODABLE)
            finally:
                await nc.close()
            consent = {"service": "monitoring", "projection": "monitoring_statistics_consent"}

            async def stopped() -> str | None:
                text = await metrics(http, monitoring)
                return text if sample(text, "cantiere_projection_stopped", **consent) == 1 else None

            text = await until(stopped, 60, "monitoring to report its consent projection stopped")
            assert (sample(text, "cantiere_projection_lag_events", **consent, source="stream") or 0) >= 1
            others = [line for line in text.splitlines() if line.startswith("cantiere_projection_stopped{")]
            assert len(others) > 1 and all(line.endswith(" 0.0") for line in others if "consent" not in line)
            assert sample(text, "cantiere_http_requests_total", service="monitoring", route="/metrics") is not None

            placements_text = await metrics(http, placements)
            assert sample(placements_text, "cantiere_projection_lag_events", service="placements") is not None
            assert_nothing_personal(placements_text, person_id)

    for service in (bari, placements, monitoring):  # every line JSON, uvicorn's too
        lines = json_lines(service)
        assert any(line.get("logger") == "uvicorn.error" for line in lines), service.name
        assert not any(str(person_id) in json.dumps(line) for line in lines if line.get("event") == "http_request")


def assert_nothing_personal(text: str, person_id: str) -> None:
    for value in (person_id, *PERSON.vault_values()):
        assert value not in text, "a personal value or an id in the metrics"


async def test_outbox_backlog_and_age_grow_while_nats_is_down_and_drain_when_it_is_back(
    restartable_nats: NatsUnderTest, tmp_path: Path
) -> None:
    await fresh_streams(restartable_nats.url)
    labels = {"service": "referrals", "partner": BARI}
    with fleet(tmp_path) as processes:
        bari = processes.start(BARI, "cantiere_referrals", bari_env(processes, restartable_nats.url))
        await processes.healthy(timeout=60)
        async with httpx.AsyncClient(timeout=10) as http:
            restartable_nats.stop()
            await register_and_refer(http, bari, uuid.uuid4())  # accepted: the outbox keeps the public events

            async def backlog() -> str | None:
                text = await metrics(http, bari)
                age = sample(text, "cantiere_outbox_oldest_pending_age_seconds", **labels) or 0
                return text if age >= 1 else None

            text = await until(backlog, 20, "an outbox event older than a second")
            assert (sample(text, "cantiere_outbox_pending_events", **labels) or 0) >= 1
            restartable_nats.start()

            async def drained() -> str | None:
                text = await metrics(http, bari)
                return text if sample(text, "cantiere_outbox_pending_events", **labels) == 0 else None

            text = await until(drained, 60, "the relay to publish the backlog once NATS is back")
            assert sample(text, "cantiere_outbox_oldest_pending_age_seconds", **labels) == 0
            assert (sample(text, "cantiere_outbox_published_events_total", **labels) or 0) >= 1


def bari_env(processes: Fleet, url: str) -> dict[str, str]:
    import base64
    import secrets

    from .programme import PROGRAMME_KEY, TERRITORY, trusting

    return {
        "CANTIERE_NATS__URL": url, "CANTIERE_TERRITORY": TERRITORY.code, **trusting(BARI),
        "CANTIERE_PARTNER": BARI, "CANTIERE_PROGRAMME_KEY": PROGRAMME_KEY,
        "CANTIERE_VAULT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }  # fmt: skip
