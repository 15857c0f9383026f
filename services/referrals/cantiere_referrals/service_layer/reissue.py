"""Re-registration of keep-apart tokens: every person and link the municipality holds, in canonical form.

Run once by each municipality when it upgrades to canonical tokens (and again after any change of the token
scheme): for each person in the vault it makes the own token again from the tax code (canonical form, with the
aliases of every other spelling, so links typed in any spelling before still match), indexes the person for
the duplicate check, and makes the tokens of the keep-apart links whose codes are kept. Each change is an
ordinary event of the person, so the consortium hears of it through the outbox like any other. Old tokens keep
counting meanwhile: the consortium replaces a person's own token only with one whose aliases cover it, and
links carry the token of the code as written until ``typed_link_tokens`` is switched off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import structlog
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.unit_of_work import Aggregate, UnitOfWork

from cantiere_referrals.adapters.people_index import index_person, person_with_token
from cantiere_referrals.adapters.vault import Reader, ReadPurpose
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain.person import Person, person
from cantiere_referrals.service_layer.handlers import Referrals

log = structlog.get_logger("cantiere.referrals.reissue")

REISSUE_USER_ID = "system:token-reissue"  # the actor recorded on the events and in the read audit


class Reissued(StrEnum):
    """What re-registration did for one person."""

    UPDATED = "updated"  # new own token or link tokens recorded (and queued for the consortium)
    CURRENT = "current"  # already in canonical form
    SKIPPED = "skipped"  # erased, or no file
    SHARED_CODE = "shared_code"  # another person of the municipality holds the same canonical tax code


@dataclass
class ReissueReport:
    """Pseudonymous person ids by outcome."""

    checked: int = 0
    by_outcome: dict[Reissued, list[str]] = field(default_factory=lambda: {o: [] for o in Reissued})


async def reissue_tokens(svc: Referrals, progress: Callable[[str, Reissued], None] | None = None) -> ReissueReport:
    """Re-register the tokens of every person the vault holds, one transaction per person."""
    report = ReissueReport()
    async with svc.engine.connect() as conn:
        people = await svc.vault.people(conn)
    for person_id in people:
        outcome = await _reissue_one(svc, person_id)
        report.checked += 1
        report.by_outcome[outcome].append(person_id)
        if progress:
            progress(person_id, outcome)
    return report


async def _reissue_one(svc: Referrals, person_id: str) -> Reissued:
    return await svc.commands.run(lambda unit: _reissue_in(svc, unit, person_id))


async def _reissue_in(svc: Referrals, unit: UnitOfWork, person_id: str) -> Reissued:
    """The reissue of one person, in one unit of work."""
    system = Principal(user_id=REISSUE_USER_ID, role=Role.MUNICIPAL_MANAGER, partner=svc.partner)
    reader = Reader(REISSUE_USER_ID, Role.MUNICIPAL_MANAGER.value, svc.partner)
    now = svc.clock()
    conn = unit.conn
    file: Aggregate[Person | None] = await unit.load(person, person_id)
    if file.state is None or file.state.erased:
        return Reissued.SKIPPED
    data = await svc.vault.read(conn, person_id, reader, ReadPurpose.TOKEN_REISSUE, now, fields=("tax_code",))
    if data is None:
        return Reissued.SKIPPED
    own = svc.keys.token(data.tax_code)
    holder = await person_with_token(conn, own)
    if holder not in (None, person_id):
        # Two files for one canonical code (registered before the duplicate check existed): both keep their
        # tokens, which are equal, so keep-apart treats them as one person; the manager merges by hand.
        log.warning("shared_canonical_tax_code", person_id=person_id, other_person_id=holder)
        outcome = Reissued.SHARED_CODE
    else:
        await index_person(conn, own, person_id)
        outcome = Reissued.CURRENT
    changed = False
    command = c.ReissueOwnToken(own_token=own, key_id=svc.keys.key_id, own_aliases=svc.keys.aliases(data.tax_code))
    state = await svc.record_in(unit, system, file, command, now)
    version = file.version
    if state is not file.state:
        changed, version = True, version + 1
    assert state is not None
    codes = await svc.vault.read_keep_apart_codes(conn, person_id, reader, ReadPurpose.TOKEN_REISSUE, now)
    if codes and state.constraints is not None:
        tokens = svc.keys.link_tokens(codes)
        if set(tokens) != set(state.constraints.keep_apart_tokens) or state.constraints.key_id != svc.keys.key_id:
            kept = state.constraints
            again = c.RecordSafetyConstraints(
                excluded_municipalities=kept.excluded_municipalities,
                excluded_hosts=kept.excluded_hosts,
                keep_apart_tokens=tokens,
                key_id=svc.keys.key_id,
                hour_windows=kept.hour_windows,
                max_hours_per_week=kept.max_hours_per_week,
            )
            await svc.record_in(unit, system, Aggregate(person_id, state, version), again, now)
            changed = True
    return Reissued.UPDATED if changed and outcome is Reissued.CURRENT else outcome
