"""The referrals API refuses at its edge, with a 422 naming the field, what the public contract would refuse
later: a malformed person id, a profile longer than the referral's (found by fuzzing the API)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cantiere_referrals.entrypoints.api import create_app
from fastapi.testclient import TestClient

from .support import bearer, personal_data, settings

SW = bearer()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path), connect_nats=False)) as c:
        yield c


def test_a_profile_with_more_care_needs_than_the_contract_allows_is_refused_with_422(client: TestClient) -> None:
    body = {"personal_data": personal_data(), "profile": {"care_needs": ["none"] * 11}}
    answer = client.post("/people", json=body, headers=SW)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"][0]["field"] == "profile.care_needs"


@pytest.mark.parametrize("path", ["/people/not-a-person/file", "/people/" + "0" * 36 + "/timeline"])
def test_a_malformed_person_id_in_the_path_is_a_422(client: TestClient, path: str) -> None:
    answer = client.get(path, headers=SW)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"][0]["field"] == "person_id"
