"""The contract's shape: every event registered, documented, pseudonymous, and its vocabularies stable."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import uuid
from datetime import date, time
from enum import Enum, IntEnum, StrEnum
from typing import Any

import cantiere_events
import pytest
from cantiere_events import Audience, Event, codes
from cantiere_events.codes import AgeBand, ContractType, FollowUpMonth, Outcome
from cantiere_events.common import HourWindow, PersonEvent
from cantiere_events.contract import PUBLIC
from cantiere_events.placements import HostEvent
from pydantic import ValidationError

CONTRACT = PUBLIC.events()
MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.walk_packages(cantiere_events.__path__, "cantiere_events.")
    if not m.name.endswith("__main__")
]
ID = str(uuid.UUID(int=1))


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_event_defined_in_the_package_is_registered_in_public() -> None:
    defined = {c for c in _subclasses(Event) if c.__module__.startswith("cantiere_events.") and "event_type" in vars(c)}
    assert defined == set(CONTRACT)


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
def test_every_event_says_what_happened_and_who_emits_it(model: type[Event]) -> None:
    assert model.producer is not None
    assert model.audience in (Audience.PUBLIC, Audience.RESTRICTED)
    assert model.event_type == model.__name__  # a stable name, and never a Python path
    assert re.search(rf"\({model.producer.value}\b", model.description()), model.description()
    assert model.description().endswith(".")


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
def test_every_event_about_a_person_carries_person_and_referral_ids(model: type[Event]) -> None:
    if issubclass(model, HostEvent):
        assert "host_id" in model.model_fields
        return
    assert issubclass(model, PersonEvent)
    assert {"person_id", "referral_id"} <= set(model.model_fields)


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
def test_every_event_is_frozen_and_refuses_unknown_fields(model: type[Event]) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


def _public_members(module: Any) -> list[tuple[str, Any]]:
    members: list[tuple[str, Any]] = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj) or inspect.isfunction(obj):
            members.append((name, obj))
            if inspect.isclass(obj):
                members += [
                    (f"{name}.{m}", f)
                    for m, f in vars(obj).items()
                    if not m.startswith("_") and (inspect.isfunction(f) or isinstance(f, (classmethod, staticmethod)))
                ]
    return members


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_public_class_and_function_has_a_one_line_docstring(module: Any) -> None:
    assert (module.__doc__ or "").strip(), f"{module.__name__} has no docstring"
    for name, obj in _public_members(module):
        doc = inspect.getdoc(obj.__func__ if isinstance(obj, (classmethod, staticmethod)) else obj)
        assert doc and doc.splitlines()[0].strip(), f"{module.__name__}.{name} has no docstring"


VOCABULARIES = [
    v for v in vars(codes).values() if inspect.isclass(v) and issubclass(v, Enum) and v.__module__ == codes.__name__
]


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_vocabulary_values_are_stable_lowercase_snake_case(vocabulary: type[Enum]) -> None:
    assert (vocabulary.__doc__ or "").strip()
    if issubclass(vocabulary, IntEnum):
        return
    assert issubclass(vocabulary, StrEnum)
    for member in vocabulary:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", member.value), member


def test_the_shared_vocabularies_hold_the_agreed_values() -> None:
    assert {s.value for s in codes.ConsentScope} == {
        "share_with_consortium", "share_contact_details", "share_with_employment_centre",
        "minimal_data_to_host", "aggregate_statistics",
    }  # fmt: skip
    assert [b.value for b in AgeBand] == ["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]
    assert {c.value for c in codes.PlacementRefusalCheck} == {
        "host_inactive", "host_at_capacity", "excluded_municipality", "excluded_host", "keep_apart",
        "hours_do_not_fit", "clearance_denied",
    }  # fmt: skip
    assert {i.value for i in codes.InterruptionInitiator} == {"intern", "host", "promoter", "social_services"}
    assert [m.value for m in FollowUpMonth] == [3, 6, 12]
    assert {k.value for k in codes.NoticeKind} == {"start", "extension", "end"}


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "under_18"), (17, "under_18"), (18, "18_24"), (24, "18_24"), (25, "25_34"), (64, "55_64"), (65, "65_plus")],
)
def test_an_age_falls_in_its_band(age: int, band: str) -> None:
    assert AgeBand.for_age(age) == band


def test_a_negative_age_has_no_band() -> None:
    with pytest.raises(ValueError, match="negative"):
        AgeBand.for_age(-1)


def _completed(**changes: Any) -> Any:
    fields = {
        "person_id": ID, "referral_id": ID, "internship_id": ID, "host_id": ID, "municipality": "bari",
        "site_municipality": "mola-di-bari", "sector_code": "47.11", "outcome": Outcome.HIRED,
        "contract_type": ContractType.FIXED_TERM, "completed_on": date(2009, 7, 31),
    }  # fmt: skip
    return PUBLIC.model("InternshipCompleted").model_validate({**fields, **changes})


def test_a_contract_type_goes_with_a_hire_and_only_with_it() -> None:
    assert _completed().contract_type is ContractType.FIXED_TERM
    assert _completed(outcome=Outcome.NOT_HIRED, contract_type=None).contract_type is None
    with pytest.raises(ValidationError, match="only when, the outcome is hired"):
        _completed(contract_type=None)
    with pytest.raises(ValidationError, match="only when, the outcome is hired"):
        _completed(outcome=Outcome.FURTHER_TRAINING)


def test_a_follow_up_of_someone_not_employed_has_no_job_details() -> None:
    model = PUBLIC.model("FollowUpRecorded")
    base = {"person_id": ID, "referral_id": ID, "internship_id": ID, "municipality": "bari", "month": 6,
            "recorded_on": date(2010, 1, 31)}  # fmt: skip
    assert model.model_validate({**base, "employed": False}).month is FollowUpMonth.SIX
    with pytest.raises(ValidationError, match="only when the person is employed"):
        model.model_validate({**base, "employed": False, "same_host": True})
    with pytest.raises(ValidationError):
        model.model_validate({**base, "employed": True, "month": 9})


def test_dates_must_be_in_order() -> None:
    project = {
        "person_id": ID, "referral_id": ID, "internship_id": ID, "objective_codes": ["customer_care"],
        "promoter_tutor_id": ID, "host_tutor_id": ID, "hours_per_week": 25, "starts_on": date(2009, 3, 2),
        "ends_on": date(2009, 3, 2), "monthly_allowance_cents": 45000, "approved_on": date(2009, 2, 20),
    }  # fmt: skip
    with pytest.raises(ValidationError, match="end after it starts"):
        PUBLIC.model("TrainingProjectApproved").model_validate(project)
    with pytest.raises(ValidationError, match="start before it ends"):
        HourWindow(days=("monday",), start=time(14), end=time(8))  # type: ignore[arg-type]


def test_keep_apart_tokens_name_the_key_that_made_them() -> None:
    model = PUBLIC.model("SafetyConstraintsRecorded")
    base = {"person_id": ID, "referral_id": ID, "keep_apart_tokens": ["ab" * 32], "recorded_on": date(2009, 1, 9)}
    with pytest.raises(ValidationError, match="key_id"):
        model.model_validate(base)
    assert model.model_validate({**base, "key_id": "programme-2009"}).key_id == "programme-2009"


def test_ids_may_be_given_as_uuid_objects_and_travel_as_text() -> None:
    person, referral = uuid.uuid4(), uuid.uuid4()
    event = PUBLIC.model("IntakeInterviewHeld").model_validate(
        {"person_id": person, "referral_id": referral, "held_on": date(2009, 2, 3)}
    )
    assert event.person_id == str(person)  # type: ignore[attr-defined]
    assert f'"person_id":"{person}"' in event.model_dump_json()


@pytest.mark.parametrize("vat", ["RSSMRA80A01H501U", "IT0123456789", "0123456789"])
def test_a_host_vat_number_is_eleven_digits_never_a_personal_tax_code(vat: str) -> None:
    with pytest.raises(ValidationError, match="vat_number"):
        PUBLIC.model("HostRegistered").model_validate({"vat_number": vat})
