"""Hosts: registration with a valid VAT number and every declaration, tutors, suspension and reinstatement."""

from __future__ import annotations

from cantiere_events.codes import HostSuspensionReason
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import InvalidHost, NotFound, WrongState
from cantiere_placements.domain.host import (
    AssignHostTutor,
    RegisterHost,
    ReinstateHost,
    SuspendHost,
    host_decider,
)
from cantiere_runtime.testing import DeciderSpec

from .factories import COMPLIANT, TODAY, host_registered, uid, vat

spec = DeciderSpec(host_decider)


def register(vat_number: str = vat(1), **declarations: bool) -> RegisterHost:
    return RegisterHost(uid(5001), vat_number, "bari", "56.10.11", 10, COMPLIANT.model_copy(update=declarations))


def test_a_compliant_host_with_a_valid_vat_number_is_registered() -> None:
    spec.given().when(register(), today=TODAY).then(host_registered())


def test_a_wrong_vat_number_is_refused() -> None:
    spec.given().when(register("01234560018"), today=TODAY).raises(InvalidHost, "VAT")


def test_every_compliance_declaration_is_required() -> None:
    for name in ("no_layoffs_last_12_months", "safety_law_compliant", "disability_quota_compliant"):
        spec.given().when(register(**{name: False}), today=TODAY).raises(InvalidHost, "L. 68/1999")


def test_a_host_is_registered_once() -> None:
    spec.given(host_registered()).when(register(), today=TODAY).raises(WrongState)


def test_tutors_are_assigned_once_each() -> None:
    assigned = ev.HostTutorAssigned(tutor_id=uid(9))
    spec.given(host_registered()).when(AssignHostTutor(uid(9)), today=TODAY).then(assigned)
    spec.given(host_registered(), assigned).when(AssignHostTutor(uid(9)), today=TODAY).then()


def test_a_host_is_suspended_and_reinstated() -> None:
    suspended = ev.HostSuspended(reason=HostSuspensionReason.UNDER_REVIEW, suspended_on=TODAY)
    spec.given(host_registered()).when(SuspendHost(HostSuspensionReason.UNDER_REVIEW), today=TODAY).then(suspended)
    spec.given(host_registered(), suspended).when(ReinstateHost(), today=TODAY).then(
        ev.HostReinstated(reinstated_on=TODAY)
    )
    spec.given(host_registered()).when(ReinstateHost(), today=TODAY).raises(WrongState)


def test_commands_on_an_unknown_host_are_refused() -> None:
    spec.given().when(AssignHostTutor(uid(9)), today=TODAY).raises(NotFound)
