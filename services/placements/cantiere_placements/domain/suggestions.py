"""Suggested hosts for a candidate: only hosts every local safety check accepts, best first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from cantiere_runtime.rules import RuleSet

from cantiere_placements.domain.host import Host
from cantiere_placements.domain.matching import PersonSafety, local_checks
from cantiere_placements.domain.rules import host_capacity


@dataclass(frozen=True)
class Suggestion:
    """An eligible host and why it ranks where it does."""

    host_id: str
    sector_matches: bool
    same_municipality: bool
    spare_places: int | None  # None: no limit under the rules


def sector_matches(sector_code: str, preferred: Sequence[str]) -> bool:
    """Whether an ATECO code falls under one of the preferred codes (a section letter or a code prefix)."""
    for code in preferred:
        if code.isalpha() and len(code) == 1:
            if _section(sector_code) == code:
                return True
        elif sector_code == code or sector_code.startswith(code + "."):
            return True
    return False


def _section(sector_code: str) -> str | None:
    """The ATECO section letter of a division code (first two digits)."""
    if sector_code.isalpha():
        return sector_code
    division = int(sector_code[:2])
    bounds = [
        (3, "A"), (9, "B"), (33, "C"), (35, "D"), (39, "E"), (43, "F"), (47, "G"), (53, "H"), (56, "I"),
        (63, "J"), (66, "K"), (68, "L"), (75, "M"), (82, "N"), (84, "O"), (85, "P"), (88, "Q"), (93, "R"),
        (96, "S"), (98, "T"), (99, "U"),
    ]  # fmt: skip
    return next((letter for top, letter in bounds if division <= top), None)


def suggest_hosts(
    person: PersonSafety,
    hosts: Sequence[Host],
    *,
    hours_per_week: int,
    preferred_sectors: Sequence[str],
    home_municipality: str,
    rules: RuleSet,
    neighbours: Sequence[str] = (),
) -> list[Suggestion]:
    """Eligible hosts ranked by preferred sector, same (then neighbouring) municipality, spare places."""
    found: list[tuple[tuple[int, int, int, str], Suggestion]] = []
    person = replace(person, hour_windows=())  # the schedule is a proposal's, checked when it is made
    for host in hosts:
        occupants = list(host.occupants.values())
        if local_checks(person, host.facts, occupants, hours_per_week, rules) is not None:
            continue
        capacity = host_capacity(rules, host.permanent_headcount, is_inclusion=True)
        spare = None if capacity is None else capacity - len(occupants)
        suggestion = Suggestion(
            host.host_id,
            sector_matches(host.sector_code, preferred_sectors),
            host.site_municipality == home_municipality,
            spare,
        )
        distance = 0 if suggestion.same_municipality else 1 if host.site_municipality in neighbours else 2
        key = (0 if suggestion.sector_matches else 1, distance, -(spare if spare is not None else 10_000), host.host_id)
        found.append((key, suggestion))
    return [s for _, s in sorted(found, key=lambda pair: pair[0])]
