"""What the consortium may learn from a person's new events: the public (and restricted) contract events.

Pure: it sees the file before and after the new events. Nothing is published about a
person who was never referred; safety constraints travel only while the person
consents to sharing with the consortium.
"""

from __future__ import annotations

from collections.abc import Sequence

from cantiere_events import Event
from cantiere_events.codes import ConsentScope, LegalBasis
from cantiere_events.referrals import (
    ConsentRecorded,
    ConsentWithdrawn,
    KeepApartTokenRegistered,
    PersonalDataErased,
    ReferralClosed,
    ReferralSubmitted,
    ReferralWithdrawn,
    SafetyConstraintsRecorded,
)

from cantiere_referrals.domain import events as e
from cantiere_referrals.domain.person import Person, evolve


def public_events(before: Person | None, new: Sequence[e.PersonEvent]) -> list[Event]:
    """The contract events to queue in the outbox for these new events of one person."""
    out: list[Event] = []
    state = before
    for event in new:
        previous, state = state, evolve(state, event)
        if state is None or state.referral_id is None:
            continue
        ids = {"person_id": state.person_id, "referral_id": state.referral_id}
        match event:
            case e.ReferralOpened():
                out.extend(_on_submission(state, event, ids))
            case e.OwnTokenReissued():
                out.append(_own_token(state, ids))
            case e.ConsentGiven():
                out.append(
                    ConsentRecorded(
                        **ids,
                        scope=event.scope,
                        legal_basis=event.legal_basis,
                        form_version=event.form_version,
                        given_on=event.given_on,
                    )
                )
            case e.ConsentRevoked():
                given = previous.consents[event.scope] if previous else None
                out.append(
                    ConsentWithdrawn(
                        **ids,
                        scope=event.scope,
                        legal_basis=given.legal_basis if given else LegalBasis.CONSENT,
                        form_version=given.form_version if given else "unknown",
                        withdrawn_on=event.withdrawn_on,
                    )
                )
            case e.SafetyConstraintsSet():
                if state.consented(ConsentScope.SHARE_WITH_CONSORTIUM):
                    out.append(_constraints(event, ids))
            case e.ReferralCancelled():
                out.append(ReferralWithdrawn(**ids, reason=event.reason, withdrawn_on=event.withdrawn_on))
            case e.ReferralEnded():
                out.append(ReferralClosed(**ids, reason=event.reason, closed_on=event.closed_on))
            case e.PersonErased():
                out.append(PersonalDataErased(**ids, basis=event.basis, erased_on=event.erased_on))
    return out


def _on_submission(state: Person, event: e.ReferralOpened, ids: dict[str, str]) -> list[Event]:
    assert state.eligibility is not None  # decide refuses a referral without eligibility
    out: list[Event] = [
        ReferralSubmitted(
            **ids,
            municipality=state.municipality,
            district=state.district,
            eligibility_category=state.eligibility.category,
            referring_service=state.eligibility.referring_service,
            profile=event.profile,
            submitted_on=event.submitted_on,
        ),
    ]
    # A new referral carries the consents in force, so the consortium never needs the history.
    for scope, consent in state.consents.items():
        out.append(
            ConsentRecorded(
                **ids,
                scope=scope,
                legal_basis=consent.legal_basis,
                form_version=consent.form_version,
                given_on=event.submitted_on,
            )
        )
    if state.own_token and state.key_id:
        out.append(_own_token(state, ids))
    if state.constraints is not None:
        out.append(_constraints(state.constraints, ids))
    return out


def _own_token(state: Person, ids: dict[str, str]) -> KeepApartTokenRegistered:
    assert state.own_token and state.key_id
    return KeepApartTokenRegistered(**ids, token=state.own_token, key_id=state.key_id, aliases=state.own_aliases)


def _constraints(event: e.SafetyConstraintsSet, ids: dict[str, str]) -> SafetyConstraintsRecorded:
    return SafetyConstraintsRecorded(
        **ids,
        excluded_municipalities=event.excluded_municipalities,
        excluded_hosts=event.excluded_hosts,
        keep_apart_tokens=event.keep_apart_tokens,
        key_id=event.key_id,
        hour_windows=event.hour_windows,
        max_hours_per_week=event.max_hours_per_week,
        recorded_on=event.recorded_on,
    )
