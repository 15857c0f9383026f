"""Every endpoint against every role: social workers and their head pass, every other role and partner is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from fastapi.testclient import TestClient

from .support import bearer, personal_data, settings

WORKERS = {Role.SOCIAL_WORKER, Role.MUNICIPAL_MANAGER}
AUDIT_READERS = {Role.MUNICIPAL_MANAGER, Role.AUDITOR}

# (method, path, body, roles allowed); {pid} is a registered person of this municipality.
ENDPOINTS: list[tuple[str, str, object, set[Role]]] = [
    ("POST", "/people", {"personal_data": personal_data()}, WORKERS),
    ("GET", "/people/{pid}?reason=case_management", None, WORKERS),
    ("GET", "/people/{pid}/file", None, WORKERS),
    ("POST", "/people/{pid}/consents", {"scope": "share_with_consortium", "form_version": "1"}, WORKERS),
    ("POST", "/people/{pid}/consents/aggregate_statistics/withdrawal", None, WORKERS),
    (
        "POST",
        "/people/{pid}/eligibility",
        {"taken_into_care_on": "2026-01-05", "category": "stalking", "referring_service": "shelter"},
        WORKERS,
    ),
    ("PUT", "/people/{pid}/safety-constraints", {"excluded_municipalities": ["capurso"]}, WORKERS),
    ("POST", "/people/{pid}/referrals", None, WORKERS),
    ("POST", "/people/{pid}/referrals/current/withdrawal", {"reason": "other"}, WORKERS),
    ("POST", "/people/{pid}/referrals/current/closure", {"reason": "other"}, WORKERS),
    ("POST", "/people/{pid}/erasure", {"basis": "data_subject_request"}, WORKERS),
    ("GET", "/people/{pid}/timeline", None, WORKERS),
    ("GET", "/people/{pid}/reads", None, AUDIT_READERS),
    ("GET", "/caseload", None, WORKERS),
    ("GET", "/referrals", None, WORKERS),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("matrix")
    with TestClient(create_app(settings(path), connect_nats=False)) as c:
        yield c


@pytest.fixture(scope="module")
def pid(client: TestClient) -> str:
    answer = client.post("/people", json={"personal_data": personal_data()}, headers=bearer())
    return str(answer.json()["id"])


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_each_role_is_allowed_or_refused_on_each_endpoint(
    client: TestClient, pid: str, role: Role, method: str, path: str, body: object, allowed: set[Role]
) -> None:
    answer = client.request(method, path.format(pid=pid), json=body, headers=bearer(role, user="u-1"))
    if role in allowed:
        assert answer.status_code not in (401, 403, 500), answer.text
    else:
        assert answer.status_code == 403, answer.text


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_another_municipality_and_anonymous_callers_are_refused_everywhere(
    client: TestClient, pid: str, method: str, path: str, body: object, allowed: set[Role]
) -> None:
    role = next(iter(allowed))
    other = client.request(method, path.format(pid=pid), json=body, headers=bearer(role, partner="mola-di-bari"))
    assert other.status_code == 401  # another municipality's issuer is not trusted here
    assert client.request(method, path.format(pid=pid), json=body).status_code == 401
