"""The role matrix: every endpoint answers 403 to the roles (and partners) that may not use it, and only to them."""

from __future__ import annotations

import pytest
from cantiere_runtime.auth import Role

from .fakes import uid
from .harness import Running, bearer

STAFF = {Role.PLACEMENT_OPERATOR, Role.PLACEMENT_COORDINATOR}
P, C, H = uid(70), uid(1), uid(5001)
# method, path, body, roles allowed
MATRIX = [
    ("post", f"/candidates/{C}/accept", None, STAFF),
    ("post", f"/candidates/{C}/decline", {"reason": "other"}, STAFF),
    ("post", f"/candidates/{C}/contact-details", {"why": "intake call"}, STAFF),
    ("get", f"/candidates/{C}", None, STAFF),
    ("get", "/candidates?stage=accepted", None, STAFF),
    ("get", f"/candidates/{C}/reads", None, {Role.PLACEMENT_COORDINATOR, Role.AUDITOR}),
    ("get", f"/candidates/{C}/suggestions", None, STAFF),
    ("post", f"/hosts/{H}/tutors", {"tutor_id": uid(21)}, STAFF),
    ("post", f"/hosts/{H}/suspend", {"reason": "under_review"}, {Role.PLACEMENT_COORDINATOR}),
    ("post", f"/hosts/{H}/reinstate", None, {Role.PLACEMENT_COORDINATOR}),
    ("get", "/hosts", None, STAFF),
    ("put", f"/hosts/{uid(5003)}", {"vat_number": "?"}, STAFF),
    ("get", f"/hosts/{H}/interns", None, STAFF | {Role.COMPANY_TUTOR}),
    ("post", "/placements", {"person_id": C, "host_id": H, "hours_per_week": 20}, STAFF),
    ("post", f"/placements/{P}/accept", {"party": "person"}, STAFF),
    ("post", f"/placements/{P}/validate", None, {Role.EMPLOYMENT_OFFICER}),
    ("post", f"/placements/{P}/attendance", {"month": "2008-04", "planned_hours": 1, "attended_hours": 1},
     STAFF | {Role.COMPANY_TUTOR}),
    ("post", f"/placements/{P}/allowances/2008-04/calculate", None, STAFF),
    ("post", f"/placements/{P}/complete", {"outcome": "not_hired"}, STAFF),
    ("get", "/pipeline", None, STAFF),
    ("get", "/safety-conflicts", None, {Role.PLACEMENT_COORDINATOR}),
    ("get", "/validation-queue", None, STAFF | {Role.EMPLOYMENT_OFFICER}),
    ("get", "/ledger.csv", None, STAFF),
]  # fmt: skip
ROLES = [
    Role.PLACEMENT_OPERATOR,
    Role.PLACEMENT_COORDINATOR,
    Role.COMPANY_TUTOR,
    Role.EMPLOYMENT_OFFICER,
    Role.SOCIAL_WORKER,
    Role.ANALYST,
    Role.AUDITOR,
]


def headers_for(role: Role) -> dict[str, str]:
    if role is Role.EMPLOYMENT_OFFICER:
        return bearer(role, partner="cpi-bari")
    return bearer(role, host_id=H if role is Role.COMPANY_TUTOR else None)


async def test_each_endpoint_refuses_exactly_the_roles_that_may_not_use_it(service: Running) -> None:
    wrong = []
    for method, path, body, allowed in MATRIX:
        for role in ROLES:
            answer = await service.http.request(method.upper(), path, json=body, headers=headers_for(role))
            if (answer.status_code == 403) == (role in allowed):
                wrong.append((path, role.value, answer.status_code))
    assert wrong == []


@pytest.mark.parametrize(
    ("headers", "path", "status"),
    [
        (bearer(Role.PLACEMENT_OPERATOR, partner="mola-di-bari"), "/pipeline", 401),  # an issuer not trusted here
        (bearer(Role.EMPLOYMENT_OFFICER), "/validation-queue", 403),
        (bearer(Role.COMPANY_TUTOR, host_id=uid(5002)), f"/hosts/{H}/interns", 403),
        (bearer(Role.COMPANY_TUTOR), f"/hosts/{H}/interns", 403),
    ],
    ids=[
        "operator-of-another-partner",
        "officer-not-of-the-employment-centre",
        "tutor-of-another-host",
        "tutor-no-host",
    ],
)
async def test_the_partner_and_the_host_scope_are_checked(
    service: Running, headers: dict[str, str], path: str, status: int
) -> None:
    assert (await service.http.get(path, headers=headers)).status_code == status


async def test_no_token_is_refused(service: Running) -> None:
    assert (await service.http.get("/pipeline")).status_code == 401
