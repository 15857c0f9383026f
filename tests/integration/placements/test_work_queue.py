"""The work queue: every open case with its due date from the territory's phase durations, late on the day after,
owned by the operator who took it in; the daily digest of that operator (as the command prints it)."""

from __future__ import annotations

from datetime import date, timedelta

from cantiere_placements.entrypoints.digest_cli import digests, render
from cantiere_placements.service_layer.work_queue import OperatorDigest, open_cases, operator_digest
from cantiere_runtime.auth import Role

from .fakes import uid
from .harness import Running, bearer, publish_referral, until
from .test_safety_over_nats import STAFF

OPERATOR = "u-placement_operator"  # the test token's user id


async def _row(service: Running, person_id: str) -> dict[str, object]:
    rows = (await service.http.get("/pipeline", headers=STAFF)).json()
    return next(r for r in rows if r["person_id"] == person_id)


async def test_a_referral_is_due_after_the_referral_phase_and_late_the_day_after(
    service: Running, nats_url: str
) -> None:
    await publish_referral(nats_url, 61)
    person_id = uid(61)

    async def arrived() -> bool:
        return (await service.http.get(f"/candidates/{person_id}", headers=STAFF)).status_code == 200

    await until(arrived)
    row = await _row(service, person_id)
    since = date.fromisoformat(str(row["since"]))
    assert (row["waiting_for"], row["operator"], row["due_step"]) == ("intake_referred", None, "referral")
    assert row["due_on"] == (since + timedelta(days=15)).isoformat() and row["overdue"] is False

    service.clock.on(since + timedelta(days=17))
    row = await _row(service, person_id)
    assert (row["overdue"], row["days_late"]) == (True, 2)

    assert (await service.http.post(f"/candidates/{person_id}/accept", headers=STAFF)).status_code == 200
    row = await _row(service, person_id)
    accepted_on = date.fromisoformat(str(row["since"]))
    assert (row["waiting_for"], row["operator"], row["due_step"]) == ("intake_accepted", OPERATOR, "intake")
    assert row["due_on"] == (accepted_on + timedelta(days=20)).isoformat() and row["overdue"] is False


async def test_the_operator_s_digest_names_what_became_due_and_what_became_late(
    service: Running, nats_url: str
) -> None:
    for person in (62, 63):
        await publish_referral(nats_url, person)

    async def arrived() -> bool:
        answers = [await service.http.get(f"/candidates/{uid(p)}", headers=STAFF) for p in (62, 63)]
        return all(a.status_code == 200 for a in answers)

    await until(arrived)
    assert (await service.http.post(f"/candidates/{uid(62)}/accept", headers=STAFF)).status_code == 200
    row = await _row(service, uid(62))
    due = date.fromisoformat(str(row["due_on"]))
    wiring = service.app.state.wiring
    svc = wiring.placements

    async def digests_on(day: date) -> tuple[OperatorDigest, OperatorDigest]:
        rows = await open_cases(wiring.views.engine, svc.store, svc.territory, day)
        return operator_digest(rows, OPERATOR, svc.territory, day), operator_digest(rows, None, svc.territory, day)

    mine, _ = await digests_on(due)
    assert [r["person_id"] for r in mine.due_today] == [uid(62)] and not mine.overdue_since_today
    assert "Scadono oggi / due today: 1" in render(mine)
    mine, untaken = await digests_on(due + timedelta(days=1))
    assert [r["person_id"] for r in mine.overdue_since_today] == [uid(62)] and not mine.due_today
    assert "In ritardo da oggi / overdue since today: 1" in render(mine) and "1 giorni di ritardo" in render(mine)
    printed = await digests(service.app.state.runtime.settings, OPERATOR, due)  # the command, on its own engine
    assert printed == [render((await digests_on(due))[0])]
    # Not taken in: only in the digest of the cases nobody has taken in yet (late since its referral phase ended).
    assert [r["person_id"] for r in untaken.still_overdue + untaken.overdue_since_today] == [uid(63)]
    coordinator = (await service.http.get("/pipeline", headers=bearer(Role.PLACEMENT_COORDINATOR))).json()
    assert {r["person_id"] for r in coordinator} >= {uid(62), uid(63)}
