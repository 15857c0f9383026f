"""Fuzzing the referrals API from its OpenAPI, with people in every state seeded first: no answer is a 5xx."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from hypothesis import strategies as st
from schemathesis import APIOperation

from tests.integration.referrals.invented import PEOPLE, tax_code
from tests.integration.referrals.support import personal_data, settings
from tests.support.identity import REFERRALS

from .fuzzer import client, fuzz, serving, use_known_ids
from .tokens import bearer

MANAGER = bearer(REFERRALS, Role.MUNICIPAL_MANAGER, "bari")  # a social worker's rights, and the audit log's
INVENTED = [
    ("Fiordaliso", "Quartarella", date(1990, 4, 17), "female"),
    ("Ginestra", "Pervinchi", date(1985, 11, 3), "female"),
    ("Oleandro", "Zampognaro", date(1979, 2, 28), "male"),
    ("Pervinca", "Lampascioni", date(1994, 6, 9), "female"),
]


TAX_CODES = [tax_code("Fiordaliso", "Quartarella", date(1990, 4, day), female=True) for day in range(1, 29)]


def use_valid_tax_codes(schema: Any) -> None:
    """Registrations carry a valid invented tax code three times in four, so they get past its check."""

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> Any:
        data = body.get("personal_data") if isinstance(body, dict) else None
        if context.operation.path != "/people" or not isinstance(data, dict):
            return st.just(body)
        codes = st.one_of(st.sampled_from(TAX_CODES), st.sampled_from(TAX_CODES), st.sampled_from(TAX_CODES))
        return st.one_of(codes.map(lambda code: {**body, "personal_data": {**data, "tax_code": code}}), st.just(body))


def _seed(http: Any) -> list[str]:
    """A registered person, one ready for referral, one referred with constraints, one referred and closed."""

    def post(path: str, body: Any, expect: int = 200, method: str = "POST") -> Any:
        answer = http.request(method, path, json=body, headers=MANAGER)
        assert answer.status_code == expect, answer.text
        return answer.json()

    people = []
    for first, surname, born, gender in INVENTED:
        data = personal_data(first_name=first, surname=surname, birth_date=born, gender=gender)
        people.append(post("/people", {"personal_data": data}, expect=201)["id"])
    for pid in people[1:]:
        post(f"/people/{pid}/consents", {"scope": "share_with_consortium", "form_version": "2026.1"})
        eligibility = {
            "taken_into_care_on": "2026-01-05",
            "category": "stalking",
            "referring_service": "social_services",
        }
        post(f"/people/{pid}/eligibility", eligibility)
    for pid in people[2:]:
        post(f"/people/{pid}/referrals", None, expect=201)
    post(
        f"/people/{people[2]}/safety-constraints",
        {"keep_apart_tax_codes": [PEOPLE["Ginestra Pervinchi"]]},
        method="PUT",
    )
    post(f"/people/{people[3]}/referrals/current/closure", {"reason": "path_completed"})
    return people


def test_no_request_to_the_referrals_api_gets_a_server_error(tmp_path: Path, nats_url: str) -> None:
    app = create_app(settings(tmp_path, nats_url=nats_url))
    with serving(app) as schema:
        with client(app) as http:
            people = _seed(http)
        use_known_ids(schema, {"person_id": people})
        use_valid_tax_codes(schema)

        def headers(_: APIOperation) -> dict[str, str]:
            return MANAGER

        report = fuzz(schema, headers, max_examples=25)
    assert not report.server_errors, "\n".join(report.server_errors) + "\n" + report.summary()
    assert 200 in report.reached("GET /people/{person_id}/timeline"), report.summary()
    assert 201 in report.reached("POST /people"), report.summary()
