"""The HTTP API: a social worker's whole journey, plain 4xx answers, and district scoping."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from cantiere_runtime.logging import configure_logging
from fastapi.testclient import TestClient

from .invented import PEOPLE, vat_number
from .support import bearer, personal_data, sensitive_values, settings

SW = bearer()


@pytest.fixture
def client(tmp_path: Path, service_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path, database_url=service_db), connect_nats=False)) as c:
        yield c


def register(client: TestClient, headers: dict[str, str] = SW, **body: object) -> str:
    answer = client.post("/people", json={"personal_data": personal_data(), **body}, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def ready_for_referral(client: TestClient, pid: str, headers: dict[str, str] = SW) -> None:
    consent = {"scope": "share_with_consortium", "form_version": "2026.1"}
    assert client.post(f"/people/{pid}/consents", json=consent, headers=headers).status_code == 200
    eligibility = {
        "taken_into_care_on": "2026-01-05",
        "category": "domestic_violence",
        "referring_service": "anti_violence_centre",
    }
    assert client.post(f"/people/{pid}/eligibility", json=eligibility, headers=headers).status_code == 200


def test_a_social_worker_registers_refers_follows_withdraws_and_erases_a_person(
    caplog: pytest.LogCaptureFixture, client: TestClient
) -> None:
    logs = io.StringIO()
    configure_logging("referrals-test", fmt="json", level="DEBUG", stream=logs)
    caplog.set_level(logging.DEBUG)
    pid = register(client)
    ready_for_referral(client, pid)
    constraints = {
        "excluded_hosts": [vat_number(77)],
        "keep_apart_tax_codes": [PEOPLE["Oleandro Zampognaro"]],
        "excluded_municipalities": ["triggiano"],
    }
    answer = client.put(f"/people/{pid}/safety-constraints", json=constraints, headers=SW)
    assert answer.status_code == 200 and answer.json()["has_safety_constraints"]
    assert client.post(f"/people/{pid}/referrals", headers=SW).status_code == 201
    assert client.get(f"/people/{pid}/file", headers=SW).json()["referral_status"] == "open"
    withdrawn = client.post(
        f"/people/{pid}/referrals/current/withdrawal", json={"reason": "person_request"}, headers=SW
    )
    assert withdrawn.json()["referral_status"] == "withdrawn"
    read = client.get(f"/people/{pid}", params={"reason": "case_management"}, headers=SW).json()
    assert read["personal_data"]["surname"] == "Quartarella"
    erased = client.post(f"/people/{pid}/erasure", json={"basis": "data_subject_request"}, headers=SW)
    assert erased.json()["erased"] is True
    after = client.get(f"/people/{pid}", params={"reason": "case_management"}, headers=SW).json()
    assert after["personal_data"] is None and after["file"]["erased"] is True
    refused = client.post(
        f"/people/{pid}/consents", json={"scope": "aggregate_statistics", "form_version": "1"}, headers=SW
    )
    assert refused.status_code == 409 and "cancellati" in refused.json()["message"]
    logged = logs.getvalue() + caplog.text
    for value in sensitive_values(personal_data()):
        assert value not in logged


def test_an_invalid_tax_code_is_refused_in_plain_words_without_echoing_it(client: TestClient) -> None:
    wrong = PEOPLE["Ginestra Pervinchi"][:-1] + "Z"
    answer = client.post("/people", json={"personal_data": personal_data(tax_code=wrong)}, headers=SW)
    assert answer.status_code == 422
    body = answer.json()
    assert "codice fiscale non valido" in body["message"] and "invalid tax code" in body["message_en"]
    assert wrong not in answer.text and "Traceback" not in answer.text


def test_a_referral_without_eligibility_is_refused_with_the_reason(client: TestClient) -> None:
    pid = register(client)
    answer = client.post(f"/people/{pid}/referrals", headers=SW)
    assert answer.status_code == 422 and answer.json()["error"] == "eligibility_missing"


def test_reading_personal_data_needs_a_reason_and_every_read_is_audited(client: TestClient) -> None:
    pid = register(client)
    assert client.get(f"/people/{pid}", headers=SW).status_code == 422
    client.get(f"/people/{pid}", params={"reason": "contact_person"}, headers=SW)
    trail = client.get(f"/people/{pid}/reads", headers=bearer(Role.MUNICIPAL_MANAGER, user="head-1")).json()
    assert [(r["user_id"], r["role"], r["partner"], r["purpose"]) for r in trail] == [
        ("sw-1", "social_worker", "bari", "contact_person")
    ]


def test_a_district_social_worker_sees_only_the_people_of_their_district(client: TestClient) -> None:
    first = bearer(district="municipio-1", user="sw-m1")
    second = bearer(district="municipio-2", user="sw-m2")
    pid = register(client, first)
    assert client.get(f"/people/{pid}/file", headers=second).status_code == 404
    assert client.get(f"/people/{pid}/file", headers=first).status_code == 200
    assert client.get(f"/people/{pid}/file", headers=bearer(Role.MUNICIPAL_MANAGER)).status_code == 200
    other = client.post("/people", json={"personal_data": personal_data(), "district": "municipio-1"}, headers=second)
    assert other.status_code == 403


def test_a_district_unknown_to_the_territory_is_refused(client: TestClient) -> None:
    answer = client.post("/people", json={"personal_data": personal_data(), "district": "municipio-99"}, headers=SW)
    assert answer.status_code == 422 and answer.json()["error"] == "unknown_district"


def _eventually(probe: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def test_the_views_show_the_caseload_and_referrals_by_status_of_the_callers_district(client: TestClient) -> None:
    first = bearer(district="municipio-1", user="sw-m1")
    mine = register(client, first)
    theirs = register(client, bearer(district="municipio-2", user="sw-m2"))
    ready_for_referral(client, mine, first)
    client.post(f"/people/{mine}/referrals", headers=first)
    opened = _eventually(lambda: client.get("/referrals", params={"status": "open"}, headers=first).json())
    assert [r["person_id"] for r in opened] == [mine]
    # Each read model catches up on its own, so the caseload may trail the referrals view for a moment.
    caseload = _eventually(
        lambda: [r for r in client.get("/caseload", headers=first).json() if r["referral_status"] == "open"]
    )
    assert [r["person_id"] for r in caseload] == [mine]
    assert [r["person_id"] for r in client.get("/caseload", headers=first).json()] == [mine]
    everyone = client.get("/caseload", headers=bearer(Role.MUNICIPAL_MANAGER)).json()
    assert {r["person_id"] for r in everyone} == {mine, theirs}
    timeline = _eventually(lambda: client.get(f"/people/{mine}/timeline", headers=first).json())
    assert [t["event_type"] for t in timeline][:1] == ["PersonRegistered"]
