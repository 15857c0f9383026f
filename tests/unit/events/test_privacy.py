"""Privacy smoke checks: subjects and headers carry ids and codes only, and no field can hold free text."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any

import pytest
from cantiere_events import Actor, Event, NatsMessage, encode, wrap
from cantiere_events.codes import Language
from cantiere_events.contract import PUBLIC
from cantiere_events.values import (
    DistrictCode,
    EscoConcept,
    FormVersion,
    KeyId,
    MunicipalityCode,
    PersonId,
    ProgrammeCode,
    RuleSetId,
    SectorCode,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from .strategies import constraints_of, fixed_uuid, models

CONTRACT = PUBLIC.events()
FIXED = {
    "partner": "partner",
    "aggregate_id": str(fixed_uuid("a")),
    "aggregate_version": 1,
    "occurred_at": datetime(2101, 1, 1, tzinfo=UTC),
    "event_id": fixed_uuid("b"),
    "correlation_id": fixed_uuid("c"),
    "causation_id": fixed_uuid("d"),
    "actor": Actor(user_id="user", role="social_worker"),
}


def _pattern(alias: Any) -> str:
    return str(constraints_of(typing.get_args(alias)[1:])["pattern"])


ID_OR_CODE = {
    _pattern(t)
    for t in (PersonId, MunicipalityCode, DistrictCode, SectorCode, Language, EscoConcept, ProgrammeCode, KeyId)
} | {_pattern(RuleSetId), _pattern(FormVersion)}
PERSONAL_WORDS = {
    "name", "surname", "firstname", "tax", "fiscal", "fiscale", "address", "street", "residence", "phone",
    "mobile", "email", "mail", "birth", "birthday", "dob", "note", "notes", "comment", "text", "description",
    "story", "reason_text",
}  # fmt: skip


def patterns_in(tp: Any, metadata: typing.Iterable[Any] = ()) -> set[str]:
    """Every pattern constraint anywhere in an annotation."""
    found = {p for p in [constraints_of(metadata).get("pattern")] if p}
    if typing.get_origin(tp) is Annotated:
        base, *meta = typing.get_args(tp)
        return found | patterns_in(base, meta)
    for arg in typing.get_args(tp):
        found |= patterns_in(arg)
    return found


def exposed_values(instance: BaseModel) -> Iterator[str]:
    """The payload values that are neither ids nor codes, as text (nested values included)."""
    dumped = instance.model_dump(mode="json")
    for name, field in type(instance).model_fields.items():
        value = getattr(instance, name)
        items = value if isinstance(value, tuple) else (value,)
        if any(isinstance(item, BaseModel) for item in items):
            for item in items:
                yield from exposed_values(item)
            continue
        if value is None or any(isinstance(item, Enum) for item in items):
            continue
        if patterns_in(field.annotation, field.metadata) & ID_OR_CODE:
            continue
        for item in dumped[name] if isinstance(dumped[name], list) else [dumped[name]]:
            yield str(item)


def explained_by_metadata(model: type[Event]) -> str:
    """All the text the metadata and the class legitimately put in headers and subject."""
    producer = model.producer.value if model.producer else ""
    parts = [str(v) for v in FIXED.values()] + [
        FIXED["occurred_at"].isoformat(),  # type: ignore[attr-defined]
        "1.0",
        "application/json",
        "social_worker",
        "user",
        model.event_type,
        model.audience.value,
        producer,
        f"/cantiere/{producer}/partner",
        str(model.event_version),
        "cantiere",
    ]
    return "\n".join(parts)


def leaks(payload: Event, message: NatsMessage) -> list[str]:
    """Payload values (not ids or codes) that the subject or a header carries and the metadata does not explain."""
    carried = [message.subject, *message.headers.values()]
    explained = explained_by_metadata(type(payload))
    values = list(exposed_values(payload))
    return [f"{v!r} in {c!r}" for v in values for c in carried if v in c and v not in explained]


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_header_and_no_subject_carries_a_payload_value(model: type[Event], data: st.DataObject) -> None:
    payload = data.draw(models(model))
    message = encode(wrap(payload, **FIXED))  # type: ignore[arg-type]
    assert not leaks(payload, message), model.event_type


def test_the_smoke_check_finds_a_payload_value_put_in_a_header() -> None:
    payload = PUBLIC.model("HostRegistered").model_validate(
        {
            "host_id": str(fixed_uuid("e")),
            "vat_number": "01234567897",
            "site_municipality": "bari",
            "sector_code": "56.10",
            "permanent_headcount": 12,
            "declarations": {
                "no_layoffs_last_12_months": True,
                "safety_law_compliant": True,
                "disability_quota_compliant": True,
                "collective_agreement_applied": True,
            },
            "registered_on": "2009-02-16",
        }
    )
    message = encode(wrap(payload, **FIXED))  # type: ignore[arg-type]
    assert leaks(payload, message) == []
    leaky = NatsMessage(message.subject, message.data, {**message.headers, "ce-vat": "01234567897"})
    assert "'01234567897' in '01234567897'" in leaks(payload, leaky)


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_subject_and_headers_depend_on_the_metadata_only(model: type[Event], data: st.DataObject) -> None:
    first, second = data.draw(models(model)), data.draw(models(model))
    a, b = encode(wrap(first, **FIXED)), encode(wrap(second, **FIXED))  # type: ignore[arg-type]
    assert (a.subject, a.headers) == (b.subject, b.headers)


def _string_fields(model: type[BaseModel], path: str = "") -> Iterator[tuple[str, Any, list[Any]]]:
    for name, field in model.model_fields.items():
        yield f"{path}{name}", field.annotation, list(field.metadata)
        for tp in _leaf_types(field.annotation):
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                yield from _string_fields(tp, f"{path}{name}.")


def _leaf_types(tp: Any) -> Iterator[Any]:
    if typing.get_origin(tp) is Annotated:
        yield from _leaf_types(typing.get_args(tp)[0])
    elif typing.get_args(tp):
        for arg in typing.get_args(tp):
            yield from _leaf_types(arg)
    else:
        yield tp


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
def test_every_text_field_is_an_id_or_a_code_with_a_pattern(model: type[Event]) -> None:
    for path, annotation, metadata in _string_fields(model):
        if str in set(_leaf_types(annotation)):
            assert patterns_in(annotation, metadata), f"{model.event_type}.{path} is free text: give it a pattern"


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
def test_no_field_is_named_after_personal_data(model: type[Event]) -> None:
    for path, _, _ in _string_fields(model):
        words = set(path.replace(".", "_").split("_"))
        assert not words & PERSONAL_WORDS, f"{model.event_type}.{path} sounds like personal data"


@pytest.mark.parametrize(
    "value", ["Maria Rossi", "RSSMRA80A01H501U", "maria.rossi@example.org", "+39 333 1234567", "via Sparano 1"]
)
def test_an_id_field_refuses_personal_data(value: str) -> None:
    model = PUBLIC.model("ReferralClosed")
    with pytest.raises(ValueError, match="person_id"):
        model.model_validate(
            {"person_id": value, "referral_id": str(fixed_uuid("a")), "reason": "other", "closed_on": "2009-07-31"}
        )


@pytest.mark.parametrize("value", ["RSSMRA80A01H501U", "3331234567", "00393331234567"])
def test_metadata_ids_refuse_a_tax_code_or_a_phone_number(value: str) -> None:
    with pytest.raises(ValueError, match="pseudonymous"):
        Actor(user_id=value, role="social_worker")
    payload = PUBLIC.model("HostReinstated")(host_id=str(fixed_uuid("e")), reinstated_on="2009-05-04")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="pseudonymous"):
        wrap(payload, **{**FIXED, "aggregate_id": value})  # type: ignore[arg-type]
