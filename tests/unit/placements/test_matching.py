"""Safe matching: each check refuses on its own, names only the check, and clearance must say yes."""

from __future__ import annotations

from datetime import time

import pytest
from cantiere_events.codes import PlacementRefusalCheck as Check
from cantiere_events.codes import Weekday
from cantiere_events.common import HourWindow
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.host import Host, ReservePlace, host_decider
from cantiere_placements.domain.matching import (
    HostFacts,
    Occupant,
    PersonSafety,
    Refused,
    check_placement,
    keep_apart_conflict,
)
from cantiere_placements.domain.values import Clearance
from cantiere_runtime.testing import DeciderSpec

from .factories import COUNTING, PILOT, TODAY, host_registered, token, uid, vat

ANNA = PersonSafety(uid(1), own_token=token("anna"))
HOST = HostFacts(uid(5001), vat(1), "bari", 10, active=True)
SAFE_OTHER = Occupant(uid(90), uid(2), own_token=token("bruna"))


def verdict(
    person: PersonSafety = ANNA,
    host: HostFacts = HOST,
    occupants: tuple[Occupant, ...] = (),
    hours: int = 20,
    clearance: Clearance = Clearance.YES,
    rules=COUNTING,  # type: ignore[no-untyped-def]
) -> Refused | None:
    return check_placement(person, host, occupants, hours, rules, clearance)


def test_a_safe_placement_passes_every_check() -> None:
    assert verdict(occupants=(SAFE_OTHER,)) is None


CASES = {
    Check.HOST_INACTIVE: {"host": HostFacts(uid(5001), vat(1), "bari", 10, active=False)},
    Check.HOST_AT_CAPACITY: {"occupants": (SAFE_OTHER,), "host": HostFacts(uid(5001), vat(1), "bari", 1, True)},
    Check.EXCLUDED_MUNICIPALITY: {"person": PersonSafety(uid(1), token("anna"), excluded_municipalities=("bari",))},
    Check.EXCLUDED_HOST: {"person": PersonSafety(uid(1), token("anna"), excluded_hosts=(vat(1),))},
    Check.KEEP_APART: {
        "person": PersonSafety(uid(1), token("anna"), keep_apart_tokens=(token("bruna"),)),
        "occupants": (SAFE_OTHER,),
    },
    Check.HOURS_DO_NOT_FIT: {"hours": 31},
    Check.CLEARANCE_DENIED: {"clearance": Clearance.NO},
}


@pytest.mark.parametrize("check", list(Check))
def test_each_check_refuses_on_its_own_and_names_only_itself(check: Check) -> None:
    assert verdict(**CASES[check]) == Refused(check)  # type: ignore[arg-type]


def test_no_clearance_answer_within_the_timeout_refuses() -> None:
    assert verdict(clearance=Clearance.NO_ANSWER) == Refused(Check.CLEARANCE_DENIED)


def test_capacity_ignores_inclusion_interns_when_the_rules_say_they_do_not_count() -> None:
    full = HostFacts(uid(5001), vat(1), "bari", 1, True)
    assert verdict(host=full, occupants=(SAFE_OTHER,), rules=PILOT) is None


def test_the_persons_own_hour_limit_is_respected() -> None:
    limited = PersonSafety(uid(1), token("anna"), max_hours_per_week=15)
    assert verdict(person=limited, hours=20) == Refused(Check.HOURS_DO_NOT_FIT)


def test_keep_apart_is_checked_from_the_placed_persons_side_too() -> None:
    placed = Occupant(uid(90), uid(2), token("carlo"), keep_apart_tokens=(token("anna"),))
    assert keep_apart_conflict(ANNA, [placed])
    assert verdict(occupants=(placed,)) == Refused(Check.KEEP_APART)


def test_an_unknown_token_fails_closed_when_a_keep_apart_link_exists() -> None:
    unknown = Occupant(uid(90), uid(2), own_token=None)
    linked = PersonSafety(uid(1), token("anna"), keep_apart_tokens=(token("bruna"),))
    assert keep_apart_conflict(linked, [unknown])
    tokenless = PersonSafety(uid(1), own_token=None)
    assert keep_apart_conflict(tokenless, [Occupant(uid(90), uid(2), token("c"), (token("x"),))])


def test_people_without_links_never_conflict() -> None:
    assert not keep_apart_conflict(PersonSafety(uid(1)), [Occupant(uid(90), uid(2))])


spec = DeciderSpec(host_decider)


def test_a_refused_reservation_records_only_the_check() -> None:
    excluded = PersonSafety(uid(1), token("anna"), excluded_hosts=(vat(1),))
    command = ReservePlace(uid(70), excluded, 20, Clearance.YES)
    spec.given(host_registered()).when(command, today=TODAY, rules=PILOT).then(
        ev.HostPlaceRefused(person_id=uid(1), check=Check.EXCLUDED_HOST)
    )


def test_a_safe_reservation_takes_a_place_and_a_release_frees_it() -> None:
    command = ReservePlace(uid(70), ANNA, 20, Clearance.YES)
    reserved = spec.given(host_registered()).when(command, today=TODAY, rules=PILOT).then_state()
    assert isinstance(reserved, Host) and uid(70) in reserved.occupants
    released = host_decider.fold([ev.HostPlaceReleased(placement_id=uid(70))], reserved)
    assert released is not None and released.occupants == {}


def test_constraints_recorded_after_a_placement_are_used_for_the_next_proposal() -> None:
    # Carlo was placed before his constraints arrived: the host's record of him has no links.
    carlo_then = ev.HostPlaceReserved(placement_id=uid(90), person_id=uid(3), own_token=token("carlo"))
    carlo_now = Occupant(uid(90), uid(3), token("carlo"), keep_apart_tokens=(token("anna"),))
    cleared = frozenset({token("carlo")})
    command = ReservePlace(uid(70), ANNA, 20, Clearance.YES, cleared_tokens=cleared)
    spec.given(host_registered(), carlo_then).when(command, today=TODAY, rules=PILOT).then(
        ev.HostPlaceReserved(placement_id=uid(70), person_id=uid(1), own_token=token("anna"))
    )
    fresh = ReservePlace(uid(70), ANNA, 20, Clearance.YES, current_occupants=(carlo_now,), cleared_tokens=cleared)
    spec.given(host_registered(), carlo_then).when(fresh, today=TODAY, rules=PILOT).then(
        ev.HostPlaceRefused(person_id=uid(1), check=Check.KEEP_APART)
    )


def test_a_yes_covers_only_the_people_the_municipality_was_told_about() -> None:
    # The municipality said yes for a host where only Bruna was; Carlo took a place before the reservation.
    bruna = ev.HostPlaceReserved(placement_id=uid(90), person_id=uid(2), own_token=token("bruna"))
    carlo = ev.HostPlaceReserved(placement_id=uid(91), person_id=uid(3), own_token=token("carlo"))
    asked_about_bruna = ReservePlace(uid(70), ANNA, 20, Clearance.YES, cleared_tokens=frozenset({token("bruna")}))
    spec.given(host_registered(), bruna, carlo).when(asked_about_bruna, today=TODAY, rules=PILOT).then(
        ev.HostPlaceRefused(person_id=uid(1), check=Check.CLEARANCE_DENIED)
    )
    both = frozenset({token("bruna"), token("carlo")})
    asked_about_both = ReservePlace(uid(70), ANNA, 20, Clearance.YES, cleared_tokens=both)
    spec.given(host_registered(), bruna, carlo).when(asked_about_both, today=TODAY, rules=PILOT).then(
        ev.HostPlaceReserved(placement_id=uid(70), person_id=uid(1), own_token=token("anna"))
    )


def test_a_yes_about_people_who_have_left_still_covers_those_who_remain() -> None:
    bruna = ev.HostPlaceReserved(placement_id=uid(90), person_id=uid(2), own_token=token("bruna"))
    both = frozenset({token("bruna"), token("carlo")})  # Carlo left between the question and the reservation
    command = ReservePlace(uid(70), ANNA, 20, Clearance.YES, cleared_tokens=both)
    spec.given(host_registered(), bruna).when(command, today=TODAY, rules=PILOT).then(
        ev.HostPlaceReserved(placement_id=uid(70), person_id=uid(1), own_token=token("anna"))
    )


MORNINGS = HourWindow(days=(Weekday.MONDAY, Weekday.WEDNESDAY), start=time(8), end=time(13))
WINDOWED = PersonSafety(uid(1), token("anna"), hour_windows=(MORNINGS,))


def test_a_schedule_inside_the_persons_hour_windows_fits() -> None:
    slot = HourWindow(days=(Weekday.MONDAY,), start=time(9), end=time(12))
    assert check_placement(WINDOWED, HOST, (), 20, PILOT, Clearance.YES, (slot,)) is None


def test_a_schedule_outside_the_persons_hour_windows_is_refused() -> None:
    evening = HourWindow(days=(Weekday.MONDAY,), start=time(15), end=time(19))
    friday = HourWindow(days=(Weekday.FRIDAY,), start=time(9), end=time(12))
    for slot in (evening, friday):
        verdict = check_placement(WINDOWED, HOST, (), 20, PILOT, Clearance.YES, (slot,))
        assert verdict == Refused(Check.HOURS_DO_NOT_FIT)


def test_without_a_schedule_the_hour_windows_cannot_be_checked_so_it_is_refused() -> None:
    assert check_placement(WINDOWED, HOST, (), 20, PILOT, Clearance.YES) == Refused(Check.HOURS_DO_NOT_FIT)
