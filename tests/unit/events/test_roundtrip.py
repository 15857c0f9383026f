"""Every contract event survives envelope -> NATS message -> envelope unchanged, and any CloudEvents SDK reads it."""

from __future__ import annotations

import json

import pytest
from cantiere_events import Envelope, Event, decode, encode
from cantiere_events.contract import PUBLIC
from cloudevents.core.bindings.http import HTTPMessage, from_binary_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .strategies import envelopes

CONTRACT = PUBLIC.events()
ROUND_TRIP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("model", CONTRACT, ids=lambda m: m.event_type)
@ROUND_TRIP
@given(data=st.data())
def test_every_contract_event_round_trips_through_a_nats_message(model: type[Event], data: st.DataObject) -> None:
    envelope: Envelope = data.draw(envelopes(model))
    message = encode(envelope)
    decoded = decode(message.data, message.headers, PUBLIC)
    assert decoded == envelope
    assert type(decoded.payload) is model
    assert decoded.metadata.occurred_at.utcoffset() is not None


@settings(max_examples=60, deadline=None)
@given(envelope=st.sampled_from(CONTRACT).flatmap(envelopes))
def test_the_cloudevents_sdk_reads_an_encoded_event(envelope: Envelope) -> None:
    meta = envelope.metadata
    message = encode(envelope)
    event = from_binary_event(HTTPMessage(headers=dict(message.headers), body=message.data))
    assert event.get_specversion() == "1.0"
    assert event.get_id() == str(meta.event_id)
    assert event.get_type() == meta.event_type
    assert event.get_source() == f"/cantiere/{meta.producer.value}/{meta.partner}"
    assert event.get_time() == meta.occurred_at
    assert event.get_subject() == meta.aggregate_id
    assert event.get_datacontenttype() == "application/json"
    assert event.get_data() == json.loads(message.data)
    assert event.get_extension("schemaversion") == str(meta.schema_version)
    assert event.get_extension("partner") == meta.partner
    assert event.get_extension("producer") == meta.producer.value
    assert event.get_extension("audience") == meta.audience.value
    assert event.get_extension("aggregateid") == meta.aggregate_id
    assert event.get_extension("aggregateversion") == str(meta.aggregate_version)
    assert event.get_extension("correlationid") == str(meta.correlation_id)
    assert event.get_extension("causationid") == (str(meta.causation_id) if meta.causation_id else None)
    assert event.get_extension("actorid") == (meta.actor.user_id if meta.actor else None)
    assert event.get_extension("actorrole") == (meta.actor.role if meta.actor else None)


@settings(max_examples=10, deadline=None)
@given(envelope=envelopes(PUBLIC.model("ReferralAccepted")))
def test_the_nats_message_id_is_the_event_id_so_jetstream_drops_duplicates(envelope: Envelope) -> None:
    assert encode(envelope).headers["Nats-Msg-Id"] == str(envelope.metadata.event_id)
