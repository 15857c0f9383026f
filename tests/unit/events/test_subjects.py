"""Subjects: cantiere.<audience>.<producer>.<partner>.<event_type>, built and parsed back, bad ones refused."""

from __future__ import annotations

import pytest
from cantiere_events import Audience, InvalidSubject, Producer, Subject, build_subject, parse_subject
from cantiere_events.base import TYPE_NAME
from cantiere_events.codec import subject_of
from cantiere_events.contract import PUBLIC
from cantiere_events.subjects import audience_filter, partner_filter, request_subject
from hypothesis import given
from hypothesis import strategies as st

from .strategies import envelopes, partners

bus_audiences = st.sampled_from([Audience.PUBLIC, Audience.RESTRICTED])
type_names = st.from_regex(TYPE_NAME, fullmatch=True)


@given(audience=bus_audiences, producer=st.sampled_from(Producer), partner=partners, event_type=type_names)
def test_a_built_subject_parses_back_into_its_parts(
    audience: Audience, producer: Producer, partner: str, event_type: str
) -> None:
    subject = build_subject(audience, producer, partner, event_type)
    parsed = parse_subject(subject)
    assert parsed == Subject(audience, producer, partner, event_type)
    assert str(parsed) == subject


@given(envelope=st.sampled_from(PUBLIC.events()).flatmap(envelopes))
def test_an_event_is_published_on_the_subject_of_its_audience_producer_and_partner(envelope) -> None:  # type: ignore[no-untyped-def]
    meta = envelope.metadata
    parsed = parse_subject(subject_of(meta))
    assert (parsed.audience, parsed.producer, parsed.partner, parsed.event_type) == (
        type(envelope.payload).audience,
        type(envelope.payload).producer,
        meta.partner,
        meta.event_type,
    )


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "cantiere",
        "cantiere.public.referrals.bari",
        "cantiere.public.referrals.bari.ReferralSubmitted.extra",
        "other.public.referrals.bari.ReferralSubmitted",
        "cantiere.private.referrals.bari.ReferralSubmitted",
        "cantiere.secret.referrals.bari.ReferralSubmitted",
        "cantiere.public.nobody.bari.ReferralSubmitted",
        "cantiere.public.referrals.Bari.ReferralSubmitted",
        "cantiere.public.referrals.*.ReferralSubmitted",
        "cantiere.public.referrals.>",
        "cantiere.public.referrals..ReferralSubmitted",
        "cantiere.public.referrals.bari.referralSubmitted",
        "cantiere.public.referrals.bari.Referral-Submitted",
        "cantiere.public.referrals.bari.*",
        "cantiere.rpc.referrals.bari.clearance",
    ],
)
def test_a_subject_not_of_the_form_is_refused(subject: str) -> None:
    with pytest.raises(InvalidSubject):
        parse_subject(subject)


def test_private_events_have_no_subject() -> None:
    with pytest.raises(InvalidSubject, match="private"):
        build_subject(Audience.PRIVATE, Producer.REFERRALS, "bari", "PersonRegistered")


@pytest.mark.parametrize("partner", ["", "Bari", "bari.est", "bari*", "-bari", "mola di bari"])
def test_a_partner_code_that_would_break_the_subject_is_refused(partner: str) -> None:
    with pytest.raises(InvalidSubject, match="partner code"):
        build_subject(Audience.PUBLIC, Producer.REFERRALS, partner, "ReferralSubmitted")


def test_filters_select_an_audience_or_one_partner() -> None:
    assert audience_filter(Audience.RESTRICTED) == "cantiere.restricted.>"
    assert partner_filter(Audience.PUBLIC, "bari") == "cantiere.public.*.bari.*"
    assert partner_filter(Audience.PUBLIC, "bari", Producer.PLACEMENTS) == "cantiere.public.placements.bari.*"
    assert request_subject(Producer.REFERRALS, "bari", "placement-clearance") == (
        "cantiere.rpc.referrals.bari.placement-clearance"
    )
    with pytest.raises(InvalidSubject):
        request_subject(Producer.REFERRALS, "bari", "Who Is P")
