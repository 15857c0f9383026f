"""Due dates and lateness of open cases, from the territory's standard phase durations (the pilot's file)."""

from __future__ import annotations

from datetime import date

from cantiere_placements.domain.deadlines import OpenCase, Standards, deadline, digest, follow_ups_due
from cantiere_runtime.territory import territory_by_code

BARI = territory_by_code("bari-pilot")  # referral 15 days, intake 20, matching 30, agreement 15, running 6 months
STANDARDS = Standards(BARI.phases, BARI.follow_up_after_months)


def test_a_referral_waiting_for_intake_is_due_after_the_referral_phase_and_late_the_day_after():
    case = OpenCase("intake", "intake_referred", since=date(2008, 3, 1))
    on_time = deadline(case, STANDARDS, today=date(2008, 3, 16))
    late = deadline(case, STANDARDS, today=date(2008, 3, 18))
    assert on_time is not None and late is not None
    assert on_time.due_on == date(2008, 3, 16) and on_time.step == "referral"
    assert not on_time.overdue and on_time.days_late == 0
    assert late.overdue and late.days_late == 2


def test_each_wait_takes_the_duration_of_its_own_phase():
    since = date(2008, 5, 1)
    due = {
        wait: deadline(OpenCase(phase, wait, since), STANDARDS, today=since)
        for phase, wait in [("intake", "intake_accepted"), ("proposed", "acceptance"), ("agreed", "employment_centre")]
    }
    assert {wait: (d.due_on, d.step) for wait, d in due.items() if d} == {
        "intake_accepted": (date(2008, 5, 21), "intake"),
        "acceptance": (date(2008, 5, 31), "matching"),
        "employment_centre": (date(2008, 5, 16), "agreement"),
    }


def test_a_running_internship_is_due_on_its_planned_last_day_or_six_months_after_the_start():
    planned = deadline(
        OpenCase("running", "host_tutor", date(2008, 6, 2), ends_on=date(2008, 9, 30)),
        STANDARDS,
        today=date(2008, 7, 1),
    )
    unknown_end = deadline(OpenCase("running", "host_tutor", date(2008, 6, 2)), STANDARDS, today=date(2008, 7, 1))
    assert planned is not None and planned.due_on == date(2008, 9, 30) and planned.step == "end"
    assert unknown_end is not None and unknown_end.due_on == date(2008, 12, 2)


def test_a_finished_internship_is_due_on_its_next_follow_up_and_then_on_its_closure():
    ended = date(2008, 12, 31)
    first = deadline(OpenCase("completed", "follow_up", ended), STANDARDS, today=date(2009, 4, 1))
    third = deadline(
        OpenCase("completed", "follow_up", ended, follow_ups_done=(3, 6)), STANDARDS, today=date(2009, 4, 1)
    )
    closing = deadline(
        OpenCase("interrupted", "follow_up", ended, follow_ups_done=(3, 6, 12)), STANDARDS, today=date(2009, 4, 1)
    )
    assert first is not None and (first.due_on, first.step, first.overdue) == (date(2009, 3, 31), "follow_up_3", True)
    assert third is not None and (third.due_on, third.step) == (date(2009, 12, 31), "follow_up_12")
    assert closing is not None and (closing.due_on, closing.step) == (date(2010, 1, 15), "closure")


def test_the_follow_ups_still_to_record_are_listed_with_their_days():
    case = OpenCase("completed", "follow_up", date(2009, 1, 31), follow_ups_done=(3,))
    found = follow_ups_due(case, STANDARDS, today=date(2009, 8, 1))
    assert [(f.after_months, f.due_on, f.overdue) for f in found] == [
        (6, date(2009, 7, 31), True),
        (12, date(2010, 1, 31), False),
    ]
    assert follow_ups_due(OpenCase("running", "host_tutor", date(2009, 1, 1)), STANDARDS, date(2009, 8, 1)) == []


def test_a_suspended_internship_has_no_standard_deadline():
    assert deadline(OpenCase("suspended", "resumption", date(2008, 6, 1)), STANDARDS, today=date(2009, 1, 1)) is None


def test_the_digest_names_what_is_due_today_what_became_late_today_and_what_was_late_before():
    day = date(2008, 4, 10)
    cases = {
        "due-today": OpenCase("intake", "intake_referred", since=date(2008, 3, 26)),
        "late-from-today": OpenCase("intake", "intake_referred", since=date(2008, 3, 25)),
        "late-before": OpenCase("intake", "intake_referred", since=date(2008, 3, 1)),
        "not-yet": OpenCase("intake", "intake_referred", since=date(2008, 4, 9)),
        "suspended": OpenCase("suspended", "resumption", since=date(2008, 1, 1)),
    }
    found = digest(((key, deadline(case, STANDARDS, day)) for key, case in cases.items()), day)
    assert found.due_today == ("due-today",)
    assert found.overdue_since_today == ("late-from-today",)
    assert found.still_overdue == ("late-before",)
