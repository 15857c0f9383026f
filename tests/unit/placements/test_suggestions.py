"""Suggested hosts: never an ineligible one; preferred sector, same municipality and spare places first."""

from __future__ import annotations

from cantiere_events.codes import HostSuspensionReason
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.host import Host, host_decider
from cantiere_placements.domain.matching import PersonSafety
from cantiere_placements.domain.suggestions import sector_matches, suggest_hosts

from .factories import COUNTING, TODAY, host_registered, token, uid, vat


def host(*events: ev.HostRegistered | ev.HostSuspended | ev.HostPlaceReserved) -> Host:
    state = host_decider.fold(events)
    assert state is not None
    return state


def test_sector_codes_match_by_prefix_or_section_letter() -> None:
    assert sector_matches("56.10.11", ["56"]) and sector_matches("56.10.11", ["I"])
    assert not sector_matches("47.11", ["56", "C"]) and not sector_matches("561", ["56"])


def test_ineligible_hosts_are_never_suggested() -> None:
    person = PersonSafety(uid(1), token("anna"), excluded_hosts=(vat(2),), keep_apart_tokens=(token("c"),))
    hosts = [
        host(host_registered(1)),
        host(host_registered(2)),  # excluded host
        host(host_registered(3), ev.HostSuspended(reason=HostSuspensionReason.UNDER_REVIEW, suspended_on=TODAY)),
        host(host_registered(4), ev.HostPlaceReserved(placement_id=uid(71), person_id=uid(3), own_token=token("c"))),
        host(host_registered(5, headcount=2), ev.HostPlaceReserved(placement_id=uid(72), person_id=uid(4))),  # full
    ]
    found = suggest_hosts(
        person, hosts, hours_per_week=20, preferred_sectors=(), home_municipality="bari", rules=COUNTING
    )
    assert [s.host_id for s in found] == [uid(5001)]


def test_preferred_sector_then_same_municipality_then_spare_places_rank_first() -> None:
    hosts = [
        host(host_registered(1, municipality="triggiano", sector="47.11")),
        host(host_registered(2, municipality="bari", sector="47.11", headcount=30)),
        host(host_registered(3, municipality="bari", sector="47.11", headcount=10)),
        host(host_registered(4, municipality="capurso", sector="56.10")),
    ]
    found = suggest_hosts(
        PersonSafety(uid(1), token("anna")),
        hosts,
        hours_per_week=20,
        preferred_sectors=("56",),
        home_municipality="bari",
        rules=COUNTING,
    )
    assert [s.host_id for s in found] == [uid(5004), uid(5002), uid(5003), uid(5001)]
