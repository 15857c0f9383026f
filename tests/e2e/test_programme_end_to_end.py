"""The whole programme across real service processes on one NATS: two municipalities, the consortium, monitoring.

Social workers refer invented people; the placement team runs them from intake to the closed case, asking the
REAL referrals services for safety clearance and contact details; the social worker follows the journey; the
steering committee reads suppressed figures. Nothing of the vault may appear on the bus or in the figures.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from cantiere_events.identifiers import keep_apart_token
from cantiere_placements.domain.rules import add_months
from cantiere_runtime.auth import Role
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM

from tests.unit.monitoring.test_api_and_disclosure import shown_counts

from .people import AUTHOR, BARI, HOSTS, MOLA, PEOPLE, VICTIM
from .processes import fleet, until
from .programme import (
    ANALYST,
    CONSORTIUM,
    MANAGER_BARI,
    OPERATOR,
    PROGRAMME_KEY,
    THRESHOLD,
    WORKER,
    Api,
    backdated_months,
    bearer,
    bus_messages,
    clearance,
    ends_on,
    finish,
    internship_months,
    leaks,
    refer,
    restricted_consumed,
    run_internship,
    start_programme,
)

pytestmark = pytest.mark.slow


async def test_the_programme_runs_end_to_end_across_real_services(nats_url: str, tmp_path: Path) -> None:
    today = date.today()
    months = internship_months(today)
    secrets_of_people = [v for p in PEOPLE for v in p.vault_values()]
    with fleet(tmp_path) as processes:
        start_programme(processes, nats_url, today)
        await processes.healthy(timeout=40)
        s = processes.services
        async with httpx.AsyncClient(timeout=10) as http:
            bari, mola = Api(http, s[BARI].url), Api(http, s[MOLA].url)
            placements, monitoring = Api(http, s["placements"].url), Api(http, s["monitoring"].url)
            referrals = {BARI: bari, MOLA: mola}

            # --- referral: 5 people in Bari, 2 in Mola di Bari; the victim is kept apart from the author ---
            ids: dict[int, str] = {}
            for person in PEOPLE:
                keep_apart = [AUTHOR.tax_code] if person is VICTIM else []
                ids[person.n] = await refer(referrals[person.municipality], person, keep_apart)
            victim, author = ids[VICTIM.n], ids[AUTHOR.n]

            # --- intake: the referrals flow in to the consortium ---
            async def all_arrived() -> bool:
                pipeline = await placements.get("/pipeline", OPERATOR)
                waiting = {row["person_id"] for row in pipeline if row["waiting_for"] == "intake_referred"}
                return waiting >= set(ids.values())

            await until(all_arrived, 20, "every referral in the consortium's pipeline")
            await until(lambda: restricted_consumed(nats_url), 20, "the consortium read the safety constraints")
            for person_id in ids.values():
                await placements.post(f"/candidates/{person_id}/accept", OPERATOR)
                await placements.post(f"/candidates/{person_id}/intake-interview", OPERATOR,
                                      {"held_on": today.isoformat()})  # fmt: skip
                await placements.post(f"/candidates/{person_id}/skills", OPERATOR,
                                      {"competences": ["kitchen.basic"], "esco_skills": []})  # fmt: skip

            # --- hosts, each with a company tutor ---
            hosts: dict[int, tuple[str, str]] = {}
            for host in HOSTS:
                host_id = (await placements.post("/hosts", OPERATOR, host.registration(), expect=201))["host_id"]
                tutor_id = str(uuid.uuid4())
                await placements.post(f"/hosts/{host_id}/tutors", OPERATOR, {"tutor_id": tutor_id})
                hosts[host.n] = (host_id, tutor_id)

            # --- the real referrals services answer clearance: yes for a safe host, no beside someone kept apart ---
            own_token_of_author = keep_apart_token(AUTHOR.tax_code, PROGRAMME_KEY.encode())
            assert await clearance(nats_url, BARI, victim, HOSTS[0].vat_number, []) is True
            assert await clearance(nats_url, BARI, victim, HOSTS[0].vat_number, [own_token_of_author]) is False

            # --- matching: the victim at host 1 (cleared by Bari), the author refused there, placed at host 2 ---
            placed: dict[int, tuple[str, int]] = {}

            async def propose(n: int, host_n: int) -> httpx.Response:
                body = {"person_id": ids[n], "host_id": hosts[host_n][0], "hours_per_week": 20}
                return await http.post(f"{placements.url}/placements", json=body, headers=OPERATOR)

            answer = await propose(VICTIM.n, 1)
            assert answer.status_code == 201, answer.text
            placed[VICTIM.n] = (answer.json()["placement_id"], 1)

            refused = await propose(AUTHOR.n, 1)
            assert refused.status_code == 422, refused.text
            assert "keep_apart" in refused.text  # the failed check is named ...
            assert not leaks(refused.text, [*VICTIM.vault_values(), *AUTHOR.vault_values(), victim, author])
            assert not re.search(r"author_of_violence|violen|uepe", refused.text, re.I)  # ... never the reason
            answer = await propose(AUTHOR.n, 2)
            assert answer.status_code == 201, answer.text
            placed[AUTHOR.n] = (answer.json()["placement_id"], 2)
            for person in PEOPLE:
                if person.n not in placed:
                    host_n = 1 + person.n % 3
                    answer = await propose(person.n, host_n)
                    assert answer.status_code == 201, answer.text
                    placed[person.n] = (answer.json()["placement_id"], host_n)

            # --- contact details from the real referrals service, only with consent, audited on both sides ---
            why = {"why": "arrange the first meeting at the host"}
            shown = await placements.post(f"/candidates/{victim}/contact-details", OPERATOR, why)
            assert shown["contact"]["phone"] == VICTIM.personal_data()["phone"]
            assert "home_address" not in shown["contact"] and "tax_code" not in shown["contact"]
            no_consent = next(p for p in PEOPLE if not p.contact_consent)
            await placements.post(f"/candidates/{ids[no_consent.n]}/contact-details", OPERATOR, why, expect=404)
            reads = await bari.get(f"/people/{victim}/reads", MANAGER_BARI)
            assert any(r.get("partner") == CONSORTIUM and r.get("role") == "placement_operator" for r in reads), reads
            audit = sqlite3.connect(tmp_path / "placements.db")
            try:
                rows = audit.execute(
                    "SELECT person_id, user_id, answered FROM placements_personal_data_reads ORDER BY id"
                ).fetchall()
            finally:
                audit.close()
            assert rows == [(victim, "op-1", 1), (ids[no_consent.n], "op-1", 0)]

            # --- the host's tutor page shows a first name and the schedule, never an address ---
            await placements.call("PUT", f"/candidates/{victim}/first-name", OPERATOR,
                                  {"first_name": VICTIM.first_name}, expect=204)  # fmt: skip

            # --- agreement, training project, validation, start, three months, completion, follow-up, closure ---
            # The victim's internship is a historical case (over a year ago): it runs to its 12-month follow-up.
            outcomes = ["hired", "hired", "not_hired", "hired", "further_training", "hired", "not_hired"]
            historical = backdated_months(today)
            for person in PEOPLE:
                placement_id, host_n = placed[person.n]
                await run_internship(
                    placements, placement_id, *hosts[host_n], historical if person is VICTIM else months
                )
            host_1, _tutor = hosts[1]
            tutor = bearer(Role.COMPANY_TUTOR, CONSORTIUM, "tutor-1", host_id=host_1)
            page = await placements.get(f"/hosts/{host_1}/interns", tutor)
            mine = [i for i in page if i["placement_id"] == placed[VICTIM.n][0]]
            assert mine and mine[0]["first_name"] == VICTIM.first_name and len(mine[0]["attendance"]) == 3, page
            assert not leaks(str(page), [v for v in VICTIM.vault_values() if v != VICTIM.first_name])
            other_host = bearer(Role.COMPANY_TUTOR, CONSORTIUM, "tutor-2", host_id=hosts[2][0])
            await placements.get(f"/hosts/{host_1}/interns", other_host, expect=403)
            follow_up_refusals: list[str] = []
            for person in PEOPLE:
                ended_on = ends_on(historical) if person is VICTIM else None
                follow_up_refusals += await finish(placements, placed[person.n][0], outcomes[person.n - 1], ended_on)

            # --- the social worker follows the whole journey of her person ---
            # PlacementSafetyCleared is restricted and the timeline follows only the public stream (see report).
            journey_steps = [
                "PersonRegistered", "ConsentGiven", "EligibilityConfirmed", "SafetyConstraintsSet", "ReferralOpened",
                "ReferralAccepted", "IntakeInterviewHeld", "SkillsAssessed", "PlacementProposed",
                "PlacementAcceptedByPerson", "PlacementAcceptedByHost", "AgreementSigned", "TrainingProjectApproved",
                "TrainingProjectValidated", "MandatoryNoticeFiled", "InternshipStarted", "AttendanceMonthClosed",
                "AllowanceCalculated", "AllowancePaid", "InternshipCompleted", "CompetenceAttestationIssued",
                "FollowUpRecorded", "CaseClosed",
            ]  # fmt: skip
            expected = set(journey_steps)

            seen: list[dict[str, Any]] = []

            async def journey() -> list[dict[str, Any]]:
                seen[:] = await bari.get(f"/people/{victim}/timeline", WORKER[BARI])
                return seen if expected <= {r["event_type"] for r in seen} else []

            try:
                timeline = await until(journey, 20, "the social worker's timeline shows the whole journey")
            except AssertionError:
                shown_types = [r["event_type"] for r in seen]
                raise AssertionError(f"missing {expected - set(shown_types)} from {shown_types}") from None
            types = [r["event_type"] for r in timeline]
            firsts = [types.index(step) for step in journey_steps]
            assert firsts == sorted(firsts), types  # each step in the order it happened
            assert types[-1] == "CaseClosed", types
            assert types.count("AttendanceMonthClosed") == 3 and types.count("AllowancePaid") == 3, types
            assert types.count("FollowUpRecorded") == 3, types  # at 3, 6 and 12 months, then closed as completed
            follow_ups = [r["detail"] for r in timeline if r["event_type"] == "FollowUpRecorded"]
            ended = ends_on(historical)
            assert [(int(f["month"]), f["recorded_on"]) for f in follow_ups] == [
                (n, add_months(ended, n).isoformat()) for n in (3, 6, 12)
            ], follow_ups
            assert timeline[-1]["detail"]["reason"] == "path_completed", timeline[-1]
            own_token_of_victim = keep_apart_token(VICTIM.tax_code, PROGRAMME_KEY.encode())
            assert not leaks(str(timeline), [own_token_of_author, own_token_of_victim])
            others = await mola.get(f"/people/{victim}/timeline", WORKER[MOLA], expect=404)
            assert others

            # --- monitoring: figures from this run, every count 0 or >= threshold, nothing of the vault ---
            period = "?period=programme"  # the programme runs around today (see running_today)

            async def counted() -> dict[str, Any]:
                found = await monitoring.get(f"/indicators{period}", ANALYST)
                return found if found["flows"]["referrals"]["total"] == {"value": len(PEOPLE)} else {}

            indicators = await until(counted, 30, f"monitoring counts the {len(PEOPLE)} referrals")
            (tmp_path / "indicators.json").write_text(json.dumps(indicators, indent=1))  # kept for diagnosis
            counts = list(shown_counts(indicators))
            assert counts and all(c == 0 or c >= THRESHOLD for c in counts), counts
            assert any(c >= THRESHOLD for c in counts)
            html = await monitoring.get(f"/masterplan{period}", ANALYST)
            (tmp_path / "masterplan.html").write_text(html, encoding="utf-8")
            html_counts = [int(c) for c in re.findall(r'data-count="(\d+)"', html)]
            assert html_counts and all(c == 0 or c >= THRESHOLD for c in html_counts), html_counts
            assert len(PEOPLE) in html_counts
            for document in (str(indicators), html):
                assert not leaks(document, [*secrets_of_people, *ids.values()])

        # --- the bus: no vault value in any subject, header or payload; tokens only on the restricted stream ---
        messages = await bus_messages(nats_url)
        assert len(messages) > 100
        for stream, subject, data, headers in messages:
            text = " ".join([subject, data.decode("utf-8", "replace"), *map(str, headers.items())])
            assert not leaks(text, secrets_of_people), (stream, subject)
            if stream == PUBLIC_STREAM.name:
                assert own_token_of_author not in text, subject
        assert any(own_token_of_author in d.decode() for st, _s, d, _h in messages if st == RESTRICTED_STREAM.name)
        refusals = [(st, d) for st, subject, d, _h in messages if subject.endswith(".PlacementRefused")]
        assert len(refusals) == 1 and refusals[0][0] == RESTRICTED_STREAM.name, refusals
        assert json.loads(refusals[0][1])["failed_check"] == "keep_apart"
        assert f"cantiere.restricted.placements.{MOLA}.PlacementRefused" in {m[1] for m in messages}
        answers = [json.loads(d) for _st, subject, d, _h in messages if subject.endswith(".PlacementSafetyCleared")]
        assert len(answers) == len(PEOPLE) and all(a["cleared"] is True for a in answers)  # each asked, each yes
        assert not leaks(processes.logs(), secrets_of_people)

    assert follow_up_refusals == [
        "The 3-month follow-up is not due yet.",
        "The next follow-up due is at 3 months.",
        "The next follow-up due is at 3 months.",
    ] * (len(PEOPLE) - 1)  # all but the victim's historical case
