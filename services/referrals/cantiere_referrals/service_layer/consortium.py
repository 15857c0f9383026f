"""Answers to the consortium's questions: contact details under consent (audited) and placement clearance."""

from __future__ import annotations

from collections.abc import Sequence

from cantiere_events.codes import ConsentScope
from cantiere_runtime.unit_of_work import UnitOfWork

from cantiere_referrals.adapters.vault import PersonalData, Reader, ReadPurpose
from cantiere_referrals.domain.person import person
from cantiere_referrals.service_layer.handlers import Referrals


async def contact_details(svc: Referrals, person_id: str, reader: Reader) -> dict[str, str | None] | None:
    """How to reach a referred person, only with consent to share contact details; None means refused."""

    async def work(unit: UnitOfWork) -> PersonalData | None:  # the read is recorded: a unit of work
        state = (await unit.load(person, person_id)).state
        if state is None or state.erased or state.referral_id is None:
            return None
        if not state.consented(ConsentScope.SHARE_CONTACT_DETAILS):
            return None
        return await svc.vault.read(
            unit.conn,
            person_id,
            reader,
            ReadPurpose.CONSORTIUM_CONTACT_REQUEST,
            svc.clock(),
            fields=("first_name", "surname", "phone", "email"),
        )

    data = await svc.commands.run(work)
    return data.contact_details() if data else None


async def clearance(
    svc: Referrals, person_id: str, host_vat: str, municipality: str, tokens_at_host: Sequence[str]
) -> bool:
    """May the person be placed at this host in this municipality, given who is placed there? Fails closed."""
    state, _ = await svc.load(person_id)
    if state is None or state.erased or not state.referral_open:
        return False
    rules = state.constraints
    if rules is None:
        return True
    if municipality in rules.excluded_municipalities or host_vat in rules.excluded_hosts:
        return False
    return not set(rules.keep_apart_tokens) & set(tokens_at_host)
