"""One referrals process for the municipalities of an ambito: each municipality is served as if it ran alone.

Capurso's and Triggiano's social workers share the process of Ambito 5 (capofila Triggiano); each sees only
their own people through the API and the pages, each municipality has its own database and answers its own
clearance requests, and the bus carries each as its own partner, as separate services would.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
from cantiere_referrals.bootstrap import Settings
from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from cantiere_runtime.bus import PUBLIC_STREAM
from fastapi.testclient import TestClient

from tests.support.identity import REFERRALS, TEST_ISSUERS, production_sign_in
from tests.support.metrics import sample

from .pages import install_test_sign_in, sign_in_url
from .support import bearer, personal_data, settings

TRIGGIANO, CAPURSO = "triggiano", "capurso"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def ambito_settings(tmp_path: Path, nats_url: str, **extra: Any) -> Settings:
    return settings(
        tmp_path,
        partner="ambito-triggiano",
        nats_url=nats_url,
        municipalities=(TRIGGIANO, CAPURSO),
        oidc_issuers=[TEST_ISSUERS.issuer(m, REFERRALS) for m in (TRIGGIANO, CAPURSO)],
        **extra,
    )


@pytest.fixture
def ambito(tmp_path: Path, nats_url: str) -> Iterator[TestClient]:
    app = install_test_sign_in(create_app(ambito_settings(tmp_path, nats_url)))
    with TestClient(app, follow_redirects=False) as client:
        yield client


def register(client: TestClient, municipality: str, **data: Any) -> str:
    body = {"personal_data": personal_data(**data)}
    answer = client.post("/people", json=body, headers=bearer(partner=municipality))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def refer(client: TestClient, municipality: str, person_id: str) -> None:
    worker = bearer(partner=municipality)
    consent = {"scope": "share_with_consortium", "form_version": "2026.1"}
    assert client.post(f"/people/{person_id}/consents", json=consent, headers=worker).status_code == 200
    eligibility = {"taken_into_care_on": "2026-01-05", "category": "stalking", "referring_service": "shelter"}
    assert client.post(f"/people/{person_id}/eligibility", json=eligibility, headers=worker).status_code == 200
    assert client.post(f"/people/{person_id}/referrals", headers=worker).status_code == 201


def caseload_of(client: TestClient, worker: dict[str, str]) -> list[str]:
    """The caller's caseload once the local projection has caught up (it follows the store)."""
    for _ in range(100):
        rows = [row["person_id"] for row in client.get("/caseload", headers=worker).json()]
        if rows:
            return rows
        time.sleep(0.05)
    return []


def test_each_municipality_sees_only_its_own_people_through_the_api(ambito: TestClient, tmp_path: Path) -> None:
    in_capurso = register(ambito, CAPURSO)
    in_triggiano = register(ambito, TRIGGIANO)
    for municipality, own, other in ((CAPURSO, in_capurso, in_triggiano), (TRIGGIANO, in_triggiano, in_capurso)):
        worker = bearer(partner=municipality)
        assert ambito.get(f"/people/{own}/file", headers=worker).status_code == 200
        assert ambito.get(f"/people/{other}/file", headers=worker).status_code == 404
        assert ambito.get(f"/people/{other}?reason=case_management", headers=worker).status_code == 404
        assert caseload_of(ambito, worker) == [own]
        manager = bearer(Role.MUNICIPAL_MANAGER, partner=municipality, user="mm-1")
        assert ambito.get(f"/people/{other}/reads", headers=manager).status_code == 404
    # Each municipality keeps its own database, as a separate service would.
    assert {p.name for p in tmp_path.glob("*.db")} == {"ambito-triggiano-capurso.db", "ambito-triggiano-triggiano.db"}


def test_one_tax_code_is_registered_once_per_municipality_not_once_per_process(ambito: TestClient) -> None:
    data = personal_data()
    register(ambito, CAPURSO, tax_code=data["tax_code"])
    register(ambito, TRIGGIANO, tax_code=data["tax_code"])  # a person both municipalities follow: two files
    again = ambito.post("/people", json={"personal_data": data}, headers=bearer(partner=CAPURSO))
    assert again.status_code == 409


def test_staff_of_a_municipality_outside_the_ambito_are_refused(ambito: TestClient) -> None:
    assert ambito.get("/caseload", headers=bearer(partner="bari")).status_code == 401  # Bari's issuer: not trusted
    assert ambito.get("/health").json()["partners"] == [CAPURSO, TRIGGIANO]


def test_the_pages_show_each_social_worker_their_own_municipality(ambito: TestClient) -> None:
    in_capurso = register(ambito, CAPURSO, surname="Quartarella")
    in_triggiano = register(ambito, TRIGGIANO, surname="Pervinchi")
    assert ambito.get(sign_in_url(Role.SOCIAL_WORKER, partner=CAPURSO)).status_code == 303
    home = ambito.get("/")
    assert home.status_code == 200 and "Comune di Capurso" in home.text and "Comune di Triggiano" not in home.text
    assert caseload_of(ambito, bearer(partner=CAPURSO)) == [in_capurso]
    home = ambito.get("/")
    assert in_capurso[:8] in home.text and in_triggiano[:8] not in home.text
    assert ambito.get(f"/persone/{in_triggiano}").status_code == 404
    token = CSRF.search(ambito.get("/persone/nuova").text).group(1)  # type: ignore[union-attr]
    found = ambito.post("/ricerca", data={"csrf_token": token, "cerca": "Pervinchi", "motivo": "case_management"})
    assert found.status_code == 200 and in_triggiano[:8] not in found.text


async def _until(condition: Any, timeout: float = 10) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := await condition()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)
    return found


def test_the_bus_carries_each_municipality_as_its_own_partner(ambito: TestClient, nats_url: str) -> None:
    in_capurso, in_triggiano = register(ambito, CAPURSO), register(ambito, TRIGGIANO)
    refer(ambito, CAPURSO, in_capurso)
    refer(ambito, TRIGGIANO, in_triggiano)

    async def on_the_bus() -> dict[str, str]:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            found: dict[str, str] = {}
            for municipality in (CAPURSO, TRIGGIANO):
                subject = f"cantiere.public.referrals.{municipality}.ReferralSubmitted"
                sub = await js.pull_subscribe(subject, stream=PUBLIC_STREAM.name)
                try:
                    msgs = await sub.fetch(5, timeout=0.5)
                except nats.errors.TimeoutError:
                    return {}
                found[municipality] = json.loads(msgs[0].data)["person_id"]
                await sub.unsubscribe()
            return found
        finally:
            await nc.close()

    assert asyncio.run(_until(on_the_bus)) == {CAPURSO: in_capurso, TRIGGIANO: in_triggiano}

    async def clearance(municipality: str, person_id: str) -> bool:
        nc = await nats.connect(nats_url)
        try:
            body = {"person_id": person_id, "host_vat": "00012340725", "municipality": "adelfia"}
            reply = await nc.request(f"cantiere.rpc.referrals.{municipality}.clearance", json.dumps(body).encode(), 3)
            return bool(json.loads(reply.data)["cleared"])
        finally:
            await nc.close()

    assert asyncio.run(clearance(CAPURSO, in_capurso)) is True  # each municipality answers for its own people
    assert asyncio.run(clearance(TRIGGIANO, in_capurso)) is False  # and knows nothing of the other's


def test_production_refuses_municipalities_sharing_a_vault_key_or_without_their_own() -> None:
    from cantiere_referrals.bootstrap import load_settings

    key = {m: base64.b64encode(bytes([n]) * 32).decode() for n, m in enumerate((TRIGGIANO, CAPURSO), start=1)}
    base: dict[str, Any] = {
        **production_sign_in(TRIGGIANO),
        "partner": "ambito-triggiano",
        "municipalities": (TRIGGIANO, CAPURSO),
        "environment": "production",
        "programme_key": "p" * 40,
    }
    with pytest.raises(ValueError, match="own vault key and database"):
        load_settings(**base).check_production()
    own = {m: {"vault_key": key[m], "database_url": f"postgresql://cantiere@db/{m}"} for m in key}
    shared = {m: {**own[m], "vault_key": key[TRIGGIANO]} for m in key}
    with pytest.raises(ValueError, match="its own vault key"):
        load_settings(**base, municipality=shared).check_production()
    load_settings(**base, municipality=own).check_production()  # each its own key and database: accepted


def test_the_metrics_of_the_ambito_process_count_each_municipality_apart(ambito: TestClient) -> None:
    def accepted(partner: str) -> float:
        text = ambito.get("/metrics").text
        labels = {"service": "referrals", "partner": partner, "command": "POST /people", "outcome": "accepted"}
        return sample(text, "cantiere_commands_total", **labels) or 0.0

    before = {m: accepted(m) for m in (TRIGGIANO, CAPURSO)}
    person_id = register(ambito, CAPURSO)
    assert {m: accepted(m) - before[m] for m in (TRIGGIANO, CAPURSO)} == {TRIGGIANO: 0, CAPURSO: 1}
    text = ambito.get("/metrics").text
    for municipality in (TRIGGIANO, CAPURSO):  # each municipality's own outbox and projections
        assert sample(text, "cantiere_outbox_pending_events", service="referrals", partner=municipality) is not None
        assert sample(text, "cantiere_projection_lag_events", partner=municipality, source="local") is not None
    assert person_id not in text
