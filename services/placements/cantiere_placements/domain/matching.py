"""Safe matching: may this person be placed at this host? OK, or the name of the check that failed.

Each refusal names the check (``PlacementRefusalCheck``), never the protected reason behind it.
Checks fail closed: an unknown token where a keep-apart link may exist, or no clearance answer, refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cantiere_events.codes import PlacementRefusalCheck as Check
from cantiere_events.common import HourWindow
from cantiere_runtime.rules import RuleSet

from cantiere_placements.domain.rules import can_host_another
from cantiere_placements.domain.values import Clearance


@dataclass(frozen=True)
class PersonSafety:
    """What matching needs of a candidate: own tokens, constraints from the referring municipality.

    ``keep_apart_tokens`` are the links of every referral of the same person (two municipalities may refer one
    person): matching treats them as one person for keep-apart.
    """

    person_id: str
    own_token: str | None = None
    keep_apart_tokens: tuple[str, ...] = ()
    excluded_municipalities: tuple[str, ...] = ()
    excluded_hosts: tuple[str, ...] = ()  # VAT numbers
    max_hours_per_week: int | None = None
    hour_windows: tuple[HourWindow, ...] = ()  # when the person may be at a placement; empty: any time
    aliases: frozenset[str] = frozenset()  # the tokens of the other spellings of the person's tax code

    @property
    def own_tokens(self) -> frozenset[str]:
        """Every token that names this person (none known: empty)."""
        return own_tokens(self.own_token, self.aliases)


@dataclass(frozen=True)
class Occupant:
    """Someone holding a place at a host (proposed or running): only their tokens matter here."""

    placement_id: str
    person_id: str
    own_token: str | None = None
    keep_apart_tokens: tuple[str, ...] = ()
    aliases: frozenset[str] = frozenset()

    @property
    def own_tokens(self) -> frozenset[str]:
        """Every token that names this person (none known: empty)."""
        return own_tokens(self.own_token, self.aliases)


def own_tokens(token: str | None, aliases: frozenset[str]) -> frozenset[str]:
    """The tokens that name a person: the canonical one and the aliases of every other spelling."""
    return frozenset({token}) | aliases if token else aliases


@dataclass(frozen=True)
class HostFacts:
    """What matching needs of a host."""

    host_id: str
    vat_number: str
    site_municipality: str
    permanent_headcount: int
    active: bool


@dataclass(frozen=True)
class Refused:
    """The placement is refused by one check."""

    check: Check


OK = None
Verdict = Refused | None


def keep_apart_conflict(person: PersonSafety, occupants: Sequence[Occupant]) -> bool:
    """Whether someone the person must be kept apart from is at the host, looking in both directions."""
    # The person's links against the other's own token, and the other's links against the person's.
    return any(
        other.person_id != person.person_id and (_avoids(person, other) or _avoids(other, person))
        for other in occupants
    )


def keep_apart_pairs(occupants: Sequence[Occupant]) -> list[tuple[str, str]]:
    """The pairs of placement ids (in the host's order) whose people must not share the host, either way.

    The rule matching refuses by (``keep_apart_conflict``), failing closed the same way: links held by one of
    them while the other's own token is unknown count. A pair never says which of the two must avoid the other.
    """
    return [
        (a.placement_id, b.placement_id)
        for i, a in enumerate(occupants)
        for b in occupants[i + 1 :]
        if a.person_id != b.person_id and (_avoids(a, b) or _avoids(b, a))
    ]


def _avoids(one: PersonSafety | Occupant, other: PersonSafety | Occupant) -> bool:
    """Whether ``one`` has links that ``other`` may match, in any spelling of the other's tax code (fail closed:
    an unknown own token matches)."""
    if not one.keep_apart_tokens:
        return False
    tokens = other.own_tokens
    return not tokens or not tokens.isdisjoint(one.keep_apart_tokens)


def local_checks(
    person: PersonSafety,
    host: HostFacts,
    occupants: Sequence[Occupant],
    hours_per_week: int,
    rules: RuleSet,
    schedule: Sequence[HourWindow] = (),
) -> Verdict:
    """Every check the consortium can make on its own, in a fixed order; the first that fails refuses."""
    if not host.active:
        return Refused(Check.HOST_INACTIVE)
    others = [o for o in occupants if o.person_id != person.person_id]
    if not can_host_another(
        rules, host.permanent_headcount, len(others), is_inclusion=True, current_inclusion_interns=len(others)
    ):
        return Refused(Check.HOST_AT_CAPACITY)
    if host.site_municipality in person.excluded_municipalities:
        return Refused(Check.EXCLUDED_MUNICIPALITY)
    if host.vat_number in person.excluded_hosts:
        return Refused(Check.EXCLUDED_HOST)
    if keep_apart_conflict(person, others):
        return Refused(Check.KEEP_APART)
    if not hours_fit(person, hours_per_week, rules) or not schedule_fits(person, schedule):
        return Refused(Check.HOURS_DO_NOT_FIT)
    return OK


def hours_fit(person: PersonSafety, hours_per_week: int, rules: RuleSet) -> bool:
    """Whether the weekly hours respect the rules and the person's own limit."""
    if hours_per_week <= 0 or hours_per_week > rules.max_hours_per_week:
        return False
    return person.max_hours_per_week is None or hours_per_week <= person.max_hours_per_week


def schedule_fits(person: PersonSafety, schedule: Sequence[HourWindow]) -> bool:
    """Whether every slot of the schedule lies inside the person's hour windows (no schedule given: unknown, no)."""
    if not person.hour_windows:
        return True
    if not schedule:
        return False  # fail closed: the windows cannot be checked without a schedule
    return all(
        any(day in w.days and w.start <= slot.start and slot.end <= w.end for w in person.hour_windows)
        for slot in schedule
        for day in slot.days
    )


def check_placement(
    person: PersonSafety,
    host: HostFacts,
    occupants: Sequence[Occupant],
    hours_per_week: int,
    rules: RuleSet,
    clearance: Clearance,
    schedule: Sequence[HourWindow] = (),
) -> Verdict:
    """OK (None) when every check passes, clearance included; otherwise the first failed check."""
    verdict = local_checks(person, host, occupants, hours_per_week, rules, schedule)
    if verdict is not None:
        return verdict
    if clearance is not Clearance.YES:
        return Refused(Check.CLEARANCE_DENIED)
    return OK
