"""A municipality's news about a referral, received as a command on the candidate in a unit of work."""

from __future__ import annotations

from collections.abc import Sequence

from cantiere_events import Event, Producer
from cantiere_runtime.store import CommandContext, Recorded
from cantiere_runtime.unit_of_work import UnitOfWork

from cantiere_placements.adapters.vault import FirstNameVault
from cantiere_placements.domain import referral_news as news
from cantiere_placements.domain.candidate import candidate_decider
from cantiere_placements.service_layer.unit import candidate_id


def stored_news(history: Sequence[Recorded]) -> list[news.StoredNews]:
    """The candidate's history as the news rules read it: each event, where it came from and when."""
    return [
        news.StoredNews(
            r.event, None if r.metadata.causation_id is None else str(r.metadata.causation_id), r.metadata.occurred_at
        )
        for r in history
    ]


async def receive_referral_news(unit: UnitOfWork, command: news.ReceiveReferralNews, consortium: str) -> list[Event]:
    """Decide the news on the candidate as stored and queue what it appends; the events appended.

    Each event carries the referrals event it comes from as its causation and that event's time. An erasure
    also erases the first name kept in the vault, in the same transaction.
    """
    candidate = await unit.load(candidate_decider, candidate_id(command.person_id))
    events = news.decide(command, candidate.state, stored_news(candidate.history))
    if not events:
        return []
    context = CommandContext(
        partner=consortium,
        producer=Producer.PLACEMENTS,
        now=command.occurred_at,
        causation_id=command.source_id,
        correlation_id=command.correlation_id or command.source_id,
    )
    unit.append(candidate.aggregate_id, candidate.version, events, context=context)
    if news.erases_personal_data(events):
        await FirstNameVault.erase(unit.conn, command.person_id)
    return events
