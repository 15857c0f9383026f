"""What a municipality's news about a referral means for the candidate: the rules the referral intake applies.

The intake hears referrals events from the bus (a referral submitted, safety constraints, a keep-apart token,
consents given and withdrawn, an erasure). Each becomes a ``ReceiveReferralNews`` command, decided here on the
candidate's stored history: pure functions, no I/O, no clock (the time is the referrals event's own).

Rules:
- Replay-proof: each candidate event carries the referrals event it comes from as its causation; news already
  applied (a rebuild, a redelivery past the checkpoint) decides nothing.
- Latest wins: a consent, or constraints, older than those stored decide nothing, whatever order the messages
  came in; a withdrawal always applies (at worst the scope stays off until given again, which is safe).
- News may come before the referral (another stream): constraints, a token, consents are kept, and carried
  again after the referral when it arrives; a second referral for the same candidate decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cantiere_events import Event
from cantiere_events import referrals as rf

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.candidate import Candidate


@dataclass(frozen=True)
class ReceiveReferralNews:
    """Apply a referrals event's news to the candidate of ``person_id`` (``news`` is the candidate event)."""

    person_id: str
    news: Event
    source_id: UUID  # the referrals event's id: the causation of what is appended
    occurred_at: datetime  # when the municipality recorded it
    correlation_id: UUID | None = None


@dataclass(frozen=True)
class StoredNews:
    """A candidate event as stored, with the referrals event it came from (if any) and that event's time."""

    event: Event
    source_id: str | None
    occurred_at: datetime


def candidate_event(event: Event) -> Event | None:
    """The candidate event for a referrals event (None for events the consortium does not keep)."""
    match event:
        case rf.ReferralSubmitted():
            return ev.CandidateReferred(
                person_id=event.person_id,
                referral_id=event.referral_id,
                municipality=event.municipality,
                district=event.district,
                profile=event.profile,
                referred_on=event.submitted_on,
            )
        case rf.SafetyConstraintsRecorded():
            return ev.CandidateSafetyStored(
                excluded_municipalities=event.excluded_municipalities,
                excluded_hosts=event.excluded_hosts,
                keep_apart_tokens=event.keep_apart_tokens,
                max_hours_per_week=event.max_hours_per_week,
                hour_windows=event.hour_windows,
            )
        case rf.KeepApartTokenRegistered():
            return ev.CandidateTokenStored(token=event.token, aliases=event.aliases)
        case rf.ConsentRecorded():
            return ev.CandidateConsentRecorded(scope=event.scope)
        case rf.ConsentWithdrawn():
            return ev.CandidateConsentWithdrawn(scope=event.scope)
        case rf.PersonalDataErased():
            return ev.CandidateErased(erased_on=event.erased_on)
    return None


def receive(
    event: Event, source_id: UUID, occurred_at: datetime, correlation_id: UUID | None = None
) -> ReceiveReferralNews | None:
    """The command for a referrals event about a person, or None when it brings nothing the consortium keeps."""
    news = candidate_event(event)
    person_id = getattr(event, "person_id", None)
    if news is None or person_id is None:
        return None
    return ReceiveReferralNews(person_id, news, source_id, occurred_at, correlation_id)


def decide(command: ReceiveReferralNews, state: Candidate | None, stored: Sequence[StoredNews]) -> list[Event]:
    """The candidate events the news appends (none when it was applied already, is superseded or repeated)."""
    if any(s.source_id == str(command.source_id) for s in stored):
        return []  # already applied (a replay)
    if superseded(stored, command.news, command.occurred_at):
        return []  # older than what is stored: latest wins, whatever order the messages came in
    if not isinstance(command.news, ev.CandidateReferred):
        return [command.news]
    if state is not None:
        return []  # the referral is already here
    # Constraints or tokens that arrived first (another stream), and any consent news that came before the
    # referral, are carried after it.
    history = [s.event for s in stored]
    carried = _latest(history, ev.CandidateSafetyStored) + _latest(history, ev.CandidateTokenStored)
    carried += [e for e in history if isinstance(e, ev.CandidateConsentRecorded | ev.CandidateConsentWithdrawn)]
    return [command.news, *carried]


def superseded(stored: Sequence[StoredNews], news: Event, occurred_at: datetime) -> bool:
    """Whether a later consent of the same scope, or later constraints, are already stored.

    Each candidate event carries the time of the referrals event it comes from, so a message applied late (a
    rebuild reading a subject an older intake did not follow) cannot undo newer news: a consent given before
    its withdrawal must not come back in force after it.
    """
    if isinstance(news, ev.CandidateConsentWithdrawn):
        # Never skipped: the times come from a producer's clock, and a withdrawal applied out of order
        # at worst leaves the scope off until it is given again, which is safe.
        return False
    if isinstance(news, ev.CandidateConsentRecorded):
        return any(
            s.occurred_at >= occurred_at  # a tie goes to what is stored
            for s in stored
            if isinstance(s.event, ev.CandidateConsentRecorded | ev.CandidateConsentWithdrawn)
            and s.event.scope is news.scope
        )
    if isinstance(news, ev.CandidateSafetyStored):
        return any(s.occurred_at > occurred_at for s in stored if isinstance(s.event, ev.CandidateSafetyStored))
    return False


def erases_personal_data(appended: Sequence[Event]) -> bool:
    """Whether what was appended erases the person: the first name kept for the host goes with them."""
    return any(isinstance(e, ev.CandidateErased) for e in appended)


def may_put_apart(command: ReceiveReferralNews, appended: Sequence[Event]) -> bool:
    """Whether appended news changed the person's keep-apart links or token: people already placed with them
    may now be in a conflict matching would have refused."""
    return bool(appended) and isinstance(command.news, ev.CandidateSafetyStored | ev.CandidateTokenStored)


def _latest(history: list[Event], kind: type[Event]) -> list[Event]:
    found = [e for e in history if isinstance(e, kind)]
    return found[-1:]
