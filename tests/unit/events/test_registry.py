"""The registry: one model per stable type name, and upcasters that lift old payloads step by step."""

from __future__ import annotations

from typing import Any

import pytest
from cantiere_events import (
    Audience,
    DuplicateRegistration,
    Event,
    EventRegistry,
    InvalidPayload,
    Producer,
    PublicEvent,
    UnsupportedVersion,
    decode,
    encode,
    wrap,
)
from cantiere_events.contract import PUBLIC, events
from pydantic import Field

from .test_codec_errors import T0


class ThingV1(PublicEvent):
    """A thing happened (test, version 1)."""

    event_type = "ThingHappened"
    producer = Producer.REFERRALS
    count: int


class ThingV2(PublicEvent):
    """A thing happened (test, version 2: a unit was added)."""

    event_type = "ThingHappened"
    event_version = 2
    producer = Producer.REFERRALS
    count: int
    unit: str = Field(pattern=r"^[a-z]+$")


class ThingV3(PublicEvent):
    """A thing happened (test, version 3: count became quantity)."""

    event_type = "ThingHappened"
    event_version = 3
    producer = Producer.REFERRALS
    quantity: int
    unit: str = Field(pattern=r"^[a-z]+$")


def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "unit": "piece"}


def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["quantity"] = data.pop("count")
    return data


def registry_with(model: type[Event], *steps: Any) -> EventRegistry:
    registry = EventRegistry("test")
    registry.register(model)
    for version, step in enumerate(steps, start=1):
        registry.upcaster(model.event_type, from_version=version)(step)
    return registry


def test_a_type_name_is_registered_once() -> None:
    registry = registry_with(ThingV1)
    with pytest.raises(DuplicateRegistration, match="ThingHappened"):
        registry.register(ThingV2)


def test_a_model_is_registered_once() -> None:
    registry = registry_with(ThingV1)
    with pytest.raises(DuplicateRegistration, match="ThingV1"):
        registry.register(ThingV1)


def test_an_upcaster_step_is_registered_once() -> None:
    registry = registry_with(ThingV2, v1_to_v2)
    with pytest.raises(DuplicateRegistration, match="upcaster"):
        registry.upcaster("ThingHappened", from_version=1)(v1_to_v2)


def test_a_model_without_a_valid_type_name_or_producer_is_refused() -> None:
    class Nameless(PublicEvent):
        """No type name (test)."""

        producer = Producer.REFERRALS

    class Anonymous(PublicEvent):
        """A public event nobody produces (test)."""

        event_type = "Anonymous"

    class BadName(PublicEvent):
        """A Python path as type name (test)."""

        event_type = "cantiere.referrals.Thing"
        producer = Producer.REFERRALS

    registry = EventRegistry("test")
    for model in (Nameless, Anonymous, BadName):
        with pytest.raises(ValueError, match=r"event_type|producer"):
            registry.register(model)


def test_a_v1_payload_is_lifted_to_v2() -> None:
    registry = registry_with(ThingV2, v1_to_v2)
    assert registry.load("ThingHappened", 1, {"count": 3}) == ThingV2(count=3, unit="piece")
    assert registry.load("ThingHappened", 2, b'{"count": 3, "unit": "kg"}') == ThingV2(count=3, unit="kg")


def test_a_v1_message_on_the_bus_decodes_as_the_current_version() -> None:
    old = EventRegistry("old")
    old.register(ThingV1)
    message = encode(wrap(ThingV1(count=2), partner="bari", aggregate_id="a-1", aggregate_version=1, occurred_at=T0))
    assert message.headers["ce-schemaversion"] == "1"
    envelope = decode(message.data, message.headers, registry_with(ThingV2, v1_to_v2))
    assert envelope.payload == ThingV2(count=2, unit="piece")
    assert envelope.metadata.schema_version == 2


def test_upcasters_chain_from_v1_to_v3() -> None:
    registry = registry_with(ThingV3, v1_to_v2, v2_to_v3)
    assert registry.load("ThingHappened", 1, {"count": 5}) == ThingV3(quantity=5, unit="piece")
    assert registry.load("ThingHappened", 2, {"count": 5, "unit": "kg"}) == ThingV3(quantity=5, unit="kg")
    assert registry.load("ThingHappened", 3, {"quantity": 5, "unit": "kg"}) == ThingV3(quantity=5, unit="kg")


def test_a_missing_step_in_the_chain_is_reported_and_refused() -> None:
    registry = registry_with(ThingV3, v1_to_v2)
    assert registry.missing_upcasters() == [("ThingHappened", 2)]
    with pytest.raises(UnsupportedVersion):
        registry.load("ThingHappened", 1, {"count": 5})


@pytest.mark.parametrize("version", [0, -1, 4, True])
def test_a_version_outside_1_to_current_is_refused(version: int) -> None:
    registry = registry_with(ThingV3, v1_to_v2, v2_to_v3)
    with pytest.raises(UnsupportedVersion, match="knows versions 1 to 3"):
        registry.load("ThingHappened", version, {"quantity": 5, "unit": "kg"})


def test_an_upcaster_that_loses_a_field_gives_an_invalid_payload() -> None:
    registry = registry_with(ThingV2, lambda data: {})
    with pytest.raises(InvalidPayload, match="count"):
        registry.load("ThingHappened", 1, {"count": 5})


def test_the_contract_lists_events_by_producer_and_audience() -> None:
    referrals = events(producer=Producer.REFERRALS)
    assert referrals and all(m.producer is Producer.REFERRALS for m in referrals)
    restricted = {m.event_type for m in events(audience=Audience.RESTRICTED)}
    assert restricted == {
        "KeepApartTokenRegistered",
        "SafetyConstraintsRecorded",
        "PlacementSafetyCleared",
        "PlacementRefused",
    }
    assert len(events()) == len(PUBLIC) == len(events(audience=Audience.PUBLIC)) + len(restricted)
    assert events(producer=Producer.MONITORING) == []
