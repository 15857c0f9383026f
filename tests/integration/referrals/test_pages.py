"""The municipality's pages over HTTP: who may open what, no caching, CSRF fields, errors next to fields, languages."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cantiere_events.identifiers import OMOCODIC_LETTERS
from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from fastapi.testclient import TestClient
from stdnum.it import codicefiscale

from .invented import PEOPLE, tax_code
from .pages import install_test_sign_in, sign_in_url
from .support import INVENTED, personal_data, settings

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = install_test_sign_in(create_app(settings(tmp_path), connect_nats=False))
    with TestClient(app, follow_redirects=False) as c:
        yield c


def sign_in(client: TestClient, role: Role = Role.SOCIAL_WORKER, **kw: str) -> str:
    assert client.get(sign_in_url(role, **kw)).status_code == 303
    page = client.get("/persone/nuova" if role in (Role.SOCIAL_WORKER, Role.MUNICIPAL_MANAGER) else "/registro-letture")
    return CSRF.search(page.text).group(1)  # type: ignore[union-attr]


def identity(**overrides: Any) -> dict[str, str]:
    """An invented person; the same names and birth date give the same tax code (registered once)."""
    data = {**INVENTED, **overrides}
    female = data["gender"] == "female"
    overrides.setdefault("tax_code", tax_code(data["first_name"], data["surname"], data["birth_date"], female=female))
    data = personal_data(**overrides)
    return {k: str(data[k]) for k in ("first_name", "surname", "tax_code", "birth_date", "gender", "phone", "email")}


def register(client: TestClient, token: str, **overrides: Any) -> str:
    answer = client.post("/persone/nuova", data={"csrf_token": token, **identity(**overrides)})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_a_visitor_without_a_session_is_sent_to_sign_in_and_the_json_api_still_answers_json(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/accedi?next=/")
    assert client.get("/people/x/file").json()["error"] == "unauthenticated"
    missing = client.get("/non-esiste", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text and "Pagina non trovata" in missing.text


def test_a_social_worker_registers_a_person_and_follows_the_referral(client: TestClient) -> None:
    token = sign_in(client)
    person = register(client, token)
    page = client.get(person)
    assert page.status_code == 200 and "Persona registrata" in page.text
    assert "Quartarella" not in page.text  # identity only after an audited read
    consent = {"csrf_token": token, "scope": "share_with_consortium", "form_version": "2026.1"}
    assert client.post(f"{person}/consensi", data=consent).status_code == 303
    eligibility = {"taken_into_care_on": "2026-01-05", "category": "stalking", "referring_service": "shelter"}
    assert client.post(f"{person}/idoneita", data={"csrf_token": token, **eligibility}).status_code == 303
    constraints = {
        "csrf_token": token,
        "keep_apart_tax_codes": PEOPLE["Oleandro Zampognaro"],
        "max_hours_per_week": "20",
    }
    assert client.post(f"{person}/vincoli", data=constraints).status_code == 303
    assert client.post(f"{person}/segnalazione", data={"csrf_token": token}).status_code == 303
    page = client.get(person)
    assert "Segnalazione aperta" in page.text and "1 persona" in page.text
    assert PEOPLE["Oleandro Zampognaro"] not in page.text  # keep-apart entries are never shown back
    read = client.post(f"{person}/identita", data={"csrf_token": token, "motivo": "case_management"})
    assert read.status_code == 200 and "Quartarella" in read.text
    code = PEOPLE["Oleandro Zampognaro"]
    assert f"{code[:3]}{'•' * 12}{code[-1]}" in read.text and code not in read.text  # masked, after the audited read
    another = {**constraints, "keep": "0", "keep_apart_tax_codes": PEOPLE["Ginestra Pervinchi"]}
    assert client.post(f"{person}/vincoli", data=another).status_code == 303
    assert "2 persone" in client.get(person).text  # the link kept, one added
    assert client.post(f"{person}/vincoli", data={**constraints, "keep_apart_tax_codes": ""}).status_code == 303
    assert "0 persone" in client.get(person).text  # nothing ticked, nothing typed: no link left
    withdrawn = client.post(f"{person}/segnalazione/ritiro", data={"csrf_token": token, "reason": "person_request"})
    assert withdrawn.status_code == 303


def test_every_form_carries_the_csrf_field_and_every_page_is_not_stored(client: TestClient) -> None:
    token = sign_in(client, Role.MUNICIPAL_MANAGER, user="mgr-1")
    person = register(client, token)
    for path in ("/", "/persone/nuova", person, f"{person}/cancellazione", "/registro-letture", "/conservazione"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-store"
        for form in FORM.findall(answer.text):
            if 'method="post"' in form:
                assert f'name="csrf_token" value="{token}"' in form, (path, form[:80])
        title = re.search(r"<title>(.*?)</title>", answer.text, re.S).group(1)  # type: ignore[union-attr]
        assert "Quartarella" not in title and "Fiordaliso" not in title
    assert (
        client.get("/static/bootstrap-italia/css/bootstrap-italia.min.css").headers.get("cache-control") != "no-store"
    )


def test_errors_are_shown_next_to_their_field_keeping_what_was_typed(client: TestClient) -> None:
    token = sign_in(client)
    typed = identity(tax_code="QRTFDL90D57A662X", phone="non un numero")
    answer = client.post("/persone/nuova", data={"csrf_token": token, **typed, "first_name": ""})
    assert answer.status_code == 422
    assert 'id="campo-tax_code-errore">Codice fiscale non valido.' in answer.text
    assert 'id="campo-first_name-errore">Campo obbligatorio.' in answer.text
    assert 'aria-describedby="campo-tax_code-aiuto campo-tax_code-errore"' in answer.text
    assert 'value="Quartarella"' in answer.text and 'value="QRTFDL90D57A662X"' in answer.text


def test_a_duplicate_tax_code_in_any_spelling_points_to_the_existing_person(client: TestClient) -> None:
    token = sign_in(client)
    first = register(client, token)
    code = identity()["tax_code"]
    chars = list(code[:15])
    chars[14] = OMOCODIC_LETTERS[int(chars[14])]  # the same person's omocodic spelling
    omocodic = "".join(chars) + codicefiscale.calc_check_digit("".join(chars))
    answer = client.post("/persone/nuova", data={"csrf_token": token, **identity(tax_code=omocodic)})
    assert answer.status_code == 409
    assert 'id="campo-tax_code-errore">Una persona con questo codice fiscale è già registrata' in answer.text
    assert f'href="{first}"' in answer.text


def in_caseload(client: TestClient, *people: str) -> None:
    """Wait until the caseload read model (projected from the store just after each command) lists these people."""
    for _ in range(100):
        page = client.get("/")
        if all(p.rsplit("/", 1)[1][:8] in page.text for p in people):
            return
        time.sleep(0.05)
    raise AssertionError("the caseload never listed the people registered")


def test_a_search_finds_by_surname_or_tax_code_and_each_person_found_is_an_audited_read(client: TestClient) -> None:
    token = sign_in(client)
    person = register(client, token)
    other = register(client, token, first_name="Ginestra", surname="Pervinchi", birth_date=date(1985, 11, 3))
    in_caseload(client, person, other)  # a search by surname looks within the caseload, which follows the store
    by_surname = client.post("/ricerca", data={"csrf_token": token, "cerca": "quartarélla", "motivo": "contact_person"})
    assert by_surname.status_code == 200 and "Quartarella" in by_surname.text and "Pervinchi" not in by_surname.text
    by_code = client.post("/ricerca", data={"csrf_token": token, "cerca": identity()["tax_code"], "motivo": "audit"})
    assert "Quartarella" in by_code.text
    bad = client.post("/ricerca", data={"csrf_token": token, "cerca": "QRTFDL90D57A662X", "motivo": "audit"})
    assert bad.status_code == 422 and 'id="campo-cerca-errore">Codice fiscale non valido.' in bad.text
    sign_in(client, Role.MUNICIPAL_MANAGER, user="mgr-1")
    rows = list(csv.reader(io.StringIO(client.get("/registro-letture.csv").content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Data e ora", "Utente"]
    person_id = person.rsplit("/", 1)[1]
    assert {(r[4], r[5]) for r in rows[1:]} == {(person_id, "Contattare la persona"), (person_id, "Verifica (audit)")}


def test_the_audit_trail_csv_follows_italian_conventions(client: TestClient) -> None:
    token = sign_in(client, Role.MUNICIPAL_MANAGER, user="mgr-1")
    person = register(client, token)
    client.post(f"{person}/identita", data={"csrf_token": token, "motivo": "case_management"})
    answer = client.get("/registro-letture.csv", params={"utente": "mgr-1"})
    assert answer.content.startswith("\ufeff".encode()) and answer.headers["content-type"].startswith("text/csv")
    line = answer.content.decode("utf-8-sig").splitlines()[1]
    assert re.match(r"\d{2}/\d{2}/\d{4}, \d{2}:\d{2};mgr-1;municipal_manager;bari;", line)
    assert (
        client.get("/registro-letture.csv", params={"utente": "nessuno"}).content.decode("utf-8-sig").count("\n") == 1
    )


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.SOCIAL_WORKER, "/registro-letture", 403),
        (Role.SOCIAL_WORKER, "/registro-letture.csv", 403),
        (Role.SOCIAL_WORKER, "/conservazione", 403),
        (Role.SOCIAL_WORKER, "/persone/{pid}/cancellazione", 403),
        (Role.AUDITOR, "/", 303),  # to the audit trail, the auditor's page
        (Role.AUDITOR, "/persone/{pid}", 403),
        (Role.AUDITOR, "/registro-letture", 200),
        (Role.PLACEMENT_OPERATOR, "/", 403),
        (Role.MUNICIPAL_MANAGER, f"/persone/{UNKNOWN}", 404),
        (Role.MUNICIPAL_MANAGER, "/conservazione", 200),
    ],
)
def test_each_role_sees_only_its_pages(client: TestClient, role: Role, path: str, status: int) -> None:
    token = sign_in(client, Role.SOCIAL_WORKER)
    pid = register(client, token).rsplit("/", 1)[1]
    client.get(sign_in_url(role, user="someone"))
    answer = client.get(path.format(pid=pid))
    assert answer.status_code == status
    if status == 303:
        assert answer.headers["location"] == "/registro-letture"
        return
    assert answer.headers["content-type"].startswith("text/html") or path.endswith(".csv")


def test_a_person_outside_the_district_is_not_found_and_another_partner_is_refused(client: TestClient) -> None:
    token = sign_in(client, Role.SOCIAL_WORKER, district="municipio-1")
    person = register(client, token)
    other = sign_in(client, Role.SOCIAL_WORKER, district="municipio-2")
    assert client.get(person).status_code == 404
    assert client.post(f"{person}/identita", data={"csrf_token": other, "motivo": "case_management"}).status_code == 404
    assert client.post(f"{person}/identita", data={"motivo": "case_management"}).status_code == 403  # no CSRF token
    client.get(sign_in_url(Role.SOCIAL_WORKER, partner="mola-di-bari"))
    assert client.get(person).status_code == 403


def test_erasure_asks_for_a_confirmation(client: TestClient) -> None:
    token = sign_in(client, Role.MUNICIPAL_MANAGER, user="mgr-1")
    person = register(client, token)
    unconfirmed = client.post(f"{person}/cancellazione", data={"csrf_token": token, "basis": "data_subject_request"})
    assert unconfirmed.status_code == 422 and 'id="campo-confirm-errore"' in unconfirmed.text
    done = client.post(
        f"{person}/cancellazione", data={"csrf_token": token, "basis": "data_subject_request", "confirm": "yes"}
    )
    assert done.status_code == 303
    assert "Dati personali cancellati" in client.get(person).text


def test_pages_speak_italian_first_and_english_on_request(client: TestClient) -> None:
    sign_in(client)
    italian = client.get("/")
    assert '<html lang="it">' in italian.text and "Persone seguite" in italian.text
    switched = client.get("/lingua/en", params={"next": "/persone/nuova"})
    assert switched.status_code == 303 and switched.headers["location"] == "/persone/nuova"
    english = client.get("/persone/nuova")
    assert '<html lang="en">' in english.text and "Register a person" in english.text and "Tax code" in english.text
    assert client.get("/lingua/en", params={"next": "//elsewhere.example"}).headers["location"] == "/"


def test_the_retention_preview_lists_who_would_be_erased_without_erasing(client: TestClient) -> None:
    token = sign_in(client, Role.MUNICIPAL_MANAGER, user="mgr-1")
    person = register(client, token)
    later = client.get("/conservazione", params={"al": "2099-01-01"})
    assert later.status_code == 200 and f'href="{person}"' in later.text
    assert "Dati personali cancellati" not in client.get(person).text
