"""Every refusal of the placements domain carries an Italian message beside its English one, formatted in Italian."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cantiere_events.codes import DeclineReason
from cantiere_placements.domain import errors
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.agreement import SignAgreement
from cantiere_placements.domain.candidate import HoldIntakeInterview, candidate_decider
from cantiere_placements.domain.errors import DomainError, InvalidHost, RuleBroken, WrongState
from cantiere_placements.domain.host import RegisterHost, host_decider
from cantiere_placements.domain.placement import placement_decider
from cantiere_placements.domain.running import CloseAttendanceMonth, ExtendInternship
from cantiere_placements.entrypoints.deps import install_domain_errors
from cantiere_runtime.testing import DeciderSpec
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .factories import COMPLIANT, PILOT, TODAY, referred, uid, vat
from .journey import AGREED, RUNNING, SIGNED, april
from .test_agreement import approve

PACKAGE = Path(errors.__file__).parent.parent
DOMAIN_ERRORS = {
    name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, DomainError)
}
MAY = date(2008, 5, 5)


def _raise_sites() -> list[tuple[str, ast.Call]]:
    sites = []
    for path in sorted([*PACKAGE.glob("domain/*.py"), *PACKAGE.glob("service_layer/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                called = node.exc.func
                if isinstance(called, ast.Name) and called.id in DOMAIN_ERRORS:
                    sites.append((f"{path.name}:{node.lineno}", node.exc))
    return sites


def test_every_refusal_raised_in_the_domain_and_service_layer_names_an_italian_and_a_different_english_text() -> None:
    sites = _raise_sites()
    assert len(sites) > 60, len(sites)  # the walk reaches the raise sites
    for where, call in sites:
        assert len(call.args) == 2 and not call.keywords, f"{where}: give (message_it, message_en)"
        italian, english = call.args
        assert ast.dump(italian) != ast.dump(english), f"{where}: the Italian text repeats the English one"


def test_a_domain_error_cannot_be_made_without_both_texts() -> None:
    with pytest.raises(TypeError):
        WrongState("Only English.")  # type: ignore[call-arg]
    refused = InvalidHost("La partita IVA non è valida.", "The VAT number is not valid.")
    assert str(refused) == "The VAT number is not valid."  # the API and the logs keep the English text
    assert refused.message_it == "La partita IVA non è valida."


def _refusals() -> list[DomainError]:
    bad_vat = RegisterHost(uid(5001), "01234560018", "bari", "56.10.11", 10, COMPLIANT)
    unsafe = COMPLIANT.model_copy(update={"safety_law_compliant": False})
    undeclared = replace(bad_vat, vat_number=vat(1), declarations=unsafe)
    hosts, placements, candidates = (DeciderSpec(d) for d in (host_decider, placement_decider, candidate_decider))
    declined = ev.CandidateDeclined(reason=DeclineReason.OTHER, declined_on=TODAY)
    close_april = CloseAttendanceMonth("2008-04", Decimal(80), Decimal(80))
    expensive = replace(approve, hours_per_week=35, monthly_allowance_cents=40_000)
    return [
        hosts.given().when(bad_vat, today=TODAY).raises(InvalidHost),
        hosts.given().when(undeclared, today=TODAY).raises(InvalidHost),
        placements.given(*AGREED[:1]).when(SignAgreement(uid(80)), today=TODAY).raises(WrongState),
        placements.given(*SIGNED).when(expensive, today=TODAY, rules=PILOT).raises(RuleBroken),
        placements.given(*RUNNING, april()).when(close_april, today=MAY).raises(WrongState),
        placements.given(*RUNNING).when(ExtendInternship(date(2010, 4, 1)), today=MAY, rules=PILOT).raises(RuleBroken),
        candidates.given(referred(), declined).when(HoldIntakeInterview(TODAY), today=TODAY).raises(WrongState),
    ]


def test_representative_refusals_read_in_italian_with_italian_dates_months_amounts_and_statuses() -> None:
    refusals = _refusals()
    for refused in refusals:
        assert isinstance(refused, DomainError)
        assert refused.message_it.strip() and refused.message_it != refused.message_en, refused.message_en
    wrong_vat, declarations, proposed, project, april_twice, extension, declined = (r.message_it for r in refusals)
    assert "partita IVA non è valida" in wrong_vat
    assert "L. 68/1999" in declarations and "dichiarare" in declarations
    assert "«Proposto»" in proposed and "firmare la convenzione" in proposed and "proposed" not in proposed
    assert "ore a settimana" in project and "450,00 euro" in project and "400,00 euro" in project
    assert "aprile 2008" in april_twice and "2008-04" not in april_twice
    assert PILOT.legal_reference in extension and re.search(r"fino al \d\d/\d\d/\d{4}\.$", extension), extension
    assert "«Non accolto»" in declined and "declined" not in declined


@pytest.fixture
def api() -> TestClient:
    app = FastAPI()
    install_domain_errors(app)

    @app.get("/refused")
    async def refused() -> None:
        raise WrongState("La convenzione è già firmata.", "The agreement is already signed.")

    return TestClient(app)


def test_the_api_answers_a_refusal_with_the_italian_message_and_the_english_one_beside_it(api: TestClient) -> None:
    answer = api.get("/refused")
    assert answer.status_code == 409
    assert answer.json() == {
        "error": "conflict",
        "message": "La convenzione è già firmata.",
        "message_en": "The agreement is already signed.",
    }
