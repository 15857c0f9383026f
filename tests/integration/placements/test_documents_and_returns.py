"""Through the API on a real NATS: the employment centre returns a training project, the consortium corrects and
resubmits it, the centre validates it; the return never reaches the bus. Each of the four documents downloads
as a PDF/A with the right facts, for exactly the roles that may have it."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from cantiere_runtime.auth import Role
from pypdf import PdfReader

from .fakes import COMPLIANT, uid, vat
from .harness import MOLA, Running, bearer, bus_events, publish_referral, until


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.xmp_metadata is not None and reader.xmp_metadata.pdfaid_part == "2"
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


async def test_a_returned_project_is_corrected_validated_and_its_documents_go_to_those_who_may_have_them(
    service: Running, nats_url: str
) -> None:
    http, clock = service.http, service.clock
    staff, officer = bearer(Role.PLACEMENT_OPERATOR), bearer(Role.EMPLOYMENT_OFFICER, partner="cpi-bari")
    person = uid(1)
    await publish_referral(nats_url, 1)

    async def arrived() -> bool:
        return (await http.get(f"/candidates/{person}", headers=staff)).status_code == 200

    await until(arrived)

    async def post(path: str, body: Any = None, headers: dict[str, str] = staff, expect: int = 200) -> Any:
        answer = await http.post(path, json=body, headers=headers)
        assert answer.status_code == expect, answer.text
        return answer.json()

    await post(f"/candidates/{person}/accept")
    host = (await post("/hosts", {
        "vat_number": vat(7), "site_municipality": "bari", "sector_code": "56.10.11",
        "permanent_headcount": 12, "declarations": COMPLIANT.model_dump(),
    }, expect=201))["host_id"]  # fmt: skip
    await post(f"/hosts/{host}/tutors", {"tutor_id": uid(21)})
    placement = (await post("/placements", {"person_id": person, "host_id": host, "hours_per_week": 20}, expect=201))[
        "placement_id"
    ]
    p = f"/placements/{placement}"
    await post(f"{p}/accept", {"party": "person"})
    await post(f"{p}/accept", {"party": "host"})
    await post(f"{p}/agreement", {"agreement_id": uid(80)})
    project = {
        "objectives": ["kitchen.basic"], "promoter_tutor_id": uid(20), "host_tutor_id": uid(21), "hours_per_week": 25,
        "starts_on": "2008-04-01", "ends_on": "2008-06-30", "monthly_allowance_cents": 45_000,
    }  # fmt: skip
    await post(f"{p}/training-project", project)

    returned = await post(f"{p}/return", {"reason": "hours_or_schedule", "explanation": "Portare a 20 ore."}, officer)
    assert returned["returned"] is True
    assert (await http.get("/validation-queue", headers=officer)).json() == []
    await post(f"{p}/validate", headers=officer, expect=409)
    await post(f"{p}/return", {"reason": "other", "explanation": "x"}, headers=staff, expect=403)
    pipeline = {row.get("placement_id"): row for row in (await http.get("/pipeline", headers=staff)).json()}
    assert pipeline[placement]["waiting_for"] == "project_correction"

    await post(f"{p}/training-project", {**project, "hours_per_week": 20})
    assert [q["placement_id"] for q in (await http.get("/validation-queue", headers=officer)).json()] == [placement]
    await post(f"{p}/validate", headers=officer)
    await post(f"{p}/notices", {"kind": "start", "reference_number": "CO-2008-0001"})
    clock.on(date(2008, 4, 1))
    await post(f"{p}/start", {"started_on": "2008-04-01"})
    assert (
        await http.put(f"/candidates/{person}/first-name", json={"first_name": "Giovanna"}, headers=staff)
    ).is_success
    clock.on(date(2008, 5, 2))
    await post(f"{p}/attendance", {"month": "2008-04", "planned_hours": "80", "attended_hours": "72"})
    await post(f"{p}/allowances/2008-04/calculate")
    clock.on(date(2008, 6, 30))
    await post(f"{p}/complete", {"outcome": "hired", "contract_type": "fixed_term"})
    await post(f"{p}/attestation", {"competences": ["kitchen.basic"]})

    listed = (await http.get(f"{p}/documents", headers=staff)).json()
    assert [(d["kind"], d["month"]) for d in listed] == [
        ("convenzione", None), ("progetto-formativo", None), ("registro-presenze", "2008-04"),
        ("attestazione-competenze", None),
    ]  # fmt: skip
    expected = {
        "convenzione": ["Convenzione di tirocinio", vat(7), "03/03/2008"],
        "progetto-formativo": ["Giovanna", "01/04/2008", "30/06/2008", "Convalidato", "CO-2008-0001"],
        "registro-presenze?month=2008-04": ["Giovanna", "2008-04", "72,00", "90,0%"],
        "attestazione-competenze": ["Giovanna", "kitchen.basic", "30/06/2008"],
    }
    referral_id = (await http.get(f"/candidates/{person}", headers=staff)).json()["referral_id"]
    for path, facts in expected.items():
        answer = await http.get(f"{p}/documents/{path}", headers=staff)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf", path
        assert answer.headers["content-disposition"].endswith(f'-{placement[:8]}.pdf"'), path
        text = _text(answer.content)
        for fact in (*facts, "Soggetto promotore", "Comune di Mola di Bari"):
            assert fact in text, (path, fact)
        assert (referral_id in text) == (path != "convenzione"), path  # the agreement names no intern

    tutor, other_tutor = bearer(Role.COMPANY_TUTOR, host_id=host), bearer(Role.COMPANY_TUTOR, host_id=uid(9999))
    assert (await http.get(f"{p}/documents/convenzione", headers=tutor)).status_code == 200
    assert (await http.get(f"{p}/documents/convenzione", headers=other_tutor)).status_code == 403
    assert (await http.get(f"{p}/documents", headers=other_tutor)).status_code == 403
    assert (await http.get(f"{p}/documents/progetto-formativo", headers=officer)).status_code == 200
    assert (await http.get(f"{p}/documents/convenzione", headers=officer)).status_code == 403
    assert (await http.get(f"{p}/documents/registro-presenze?month=2008-05", headers=staff)).status_code == 404
    analyst = bearer(Role.ANALYST)
    assert (await http.get(f"{p}/documents/convenzione", headers=analyst)).status_code == 403

    async def validated_on_bus() -> list[str] | None:
        found = [t for _, t in await bus_events(nats_url, f"cantiere.public.placements.{MOLA}.*")]
        return found if "InternshipCompleted" in found else None

    types = await until(validated_on_bus)
    assert types.count("TrainingProjectApproved") == 2 and types.count("TrainingProjectValidated") == 1
    assert not any("Return" in t for t in types)
