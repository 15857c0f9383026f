"""Decoding refuses what does not fit the contract, with a message that says what is wrong."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from cantiere_events import (
    InvalidEnvelope,
    InvalidPayload,
    NatsMessage,
    UnknownEventType,
    UnsupportedVersion,
    decode,
    encode,
    wrap,
)
from cantiere_events.codes import ClosureReason
from cantiere_events.contract import PUBLIC
from cantiere_events.placements import PlacementSafetyCleared
from cantiere_events.referrals import ReferralClosed

T0 = datetime(2009, 3, 2, 9, 30, tzinfo=UTC)
PERSON, REFERRAL = str(uuid.uuid4()), str(uuid.uuid4())


def closed() -> NatsMessage:
    event = ReferralClosed(
        person_id=PERSON, referral_id=REFERRAL, reason=ClosureReason.PATH_COMPLETED, closed_on=date(2009, 7, 31)
    )
    return encode(wrap(event, partner="bari", aggregate_id=REFERRAL, aggregate_version=7, occurred_at=T0))


def with_headers(message: NatsMessage, **changes: str | None) -> dict[str, str]:
    headers = dict(message.headers)
    for name, value in changes.items():
        header = name.replace("_", "-")
        if value is None:
            headers.pop(header, None)
        else:
            headers[header] = value
    return headers


def test_a_well_formed_message_decodes() -> None:
    message = closed()
    assert decode(message.data, message.headers, PUBLIC).payload.event_type == "ReferralClosed"


def test_an_unknown_event_type_is_named_in_the_error() -> None:
    message = closed()
    with pytest.raises(UnknownEventType, match="'ReferralReopened'"):
        decode(message.data, with_headers(message, ce_type="ReferralReopened"), PUBLIC)


def test_a_version_newer_than_the_code_knows_is_refused() -> None:
    message = closed()
    with pytest.raises(UnsupportedVersion, match="schema version 2, but this code knows versions 1 to 1"):
        decode(message.data, with_headers(message, ce_schemaversion="2"), PUBLIC)


@pytest.mark.parametrize("version", ["one", "1.5", "", "-1", "0"])
def test_a_version_that_is_not_a_positive_integer_is_refused(version: str) -> None:
    message = closed()
    with pytest.raises(UnsupportedVersion, match="ReferralClosed"):
        decode(message.data, with_headers(message, ce_schemaversion=version), PUBLIC)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"person_id": "x"}', "person_id"),
        (b'{"referral_id": "r"}', "closed_on"),
    ],
)
def test_an_invalid_payload_says_what_is_wrong(body: bytes, detail: str) -> None:
    message = closed()
    with pytest.raises(InvalidPayload, match=detail):
        decode(body, message.headers, PUBLIC)


def test_a_payload_with_a_field_the_model_does_not_know_is_refused() -> None:
    message = closed()
    body = message.data.replace(b"{", b'{"name": "Maria",', 1)
    with pytest.raises(InvalidPayload, match="name"):
        decode(body, message.headers, PUBLIC)


@pytest.mark.parametrize(
    "header", ["ce-id", "ce-source", "ce-time", "ce-schemaversion", "ce-partner", "ce-aggregateid", "ce-correlationid"]
)
def test_a_missing_header_is_named(header: str) -> None:
    message = closed()
    with pytest.raises(InvalidEnvelope, match=f"{header} missing"):
        decode(message.data, with_headers(message, **{header.replace("-", "_"): None}), PUBLIC)


def test_a_message_without_type_or_specversion_is_not_a_cloudevent() -> None:
    message = closed()
    with pytest.raises(InvalidEnvelope, match="ce-type is missing"):
        decode(message.data, with_headers(message, ce_type=None), PUBLIC)
    with pytest.raises(InvalidEnvelope, match=r"not a CloudEvents 1\.0 message"):
        decode(message.data, with_headers(message, ce_specversion=None), PUBLIC)
    with pytest.raises(InvalidEnvelope, match=r"not a CloudEvents 1\.0 message"):
        decode(message.data, None, PUBLIC)


@pytest.mark.parametrize(
    "changes",
    [{"ce_id": "not-a-uuid"}, {"ce_time": "yesterday"}, {"ce_time": "2009-03-02T09:30:00"}, {"ce_partner": "Bari!"}],
)
def test_malformed_headers_are_refused(changes: dict[str, str]) -> None:
    message = closed()
    with pytest.raises(InvalidEnvelope, match="malformed CloudEvents headers"):
        decode(message.data, with_headers(message, **changes), PUBLIC)


def test_a_restricted_event_claiming_to_be_public_is_refused() -> None:
    event = PlacementSafetyCleared(
        person_id=PERSON, referral_id=REFERRAL, placement_id=str(uuid.uuid4()), host_id=str(uuid.uuid4()), cleared=True
    )
    message = encode(wrap(event, partner="bari", aggregate_id=REFERRAL, aggregate_version=1, occurred_at=T0))
    assert message.subject == "cantiere.restricted.placements.bari.PlacementSafetyCleared"
    with pytest.raises(InvalidEnvelope, match="restricted event of placements, but the message says public"):
        decode(message.data, with_headers(message, ce_audience="public"), PUBLIC)


def test_a_private_event_on_the_bus_is_refused() -> None:
    message = closed()
    with pytest.raises(InvalidEnvelope, match="private"):
        decode(message.data, with_headers(message, ce_audience="private"), PUBLIC)


def test_a_malformed_header_is_reported_without_echoing_its_value() -> None:
    message = closed()
    secret = "mario.rossi@example.org"
    headers = {**message.headers, "ce-actorid": secret, "ce-actorrole": "social_worker"}
    with pytest.raises(InvalidEnvelope) as err:
        decode(message.data, headers, PUBLIC)
    assert secret not in str(err.value)
    assert "user_id" in str(err.value)
