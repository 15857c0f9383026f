"""One person referred more than once: candidates whose tokens meet are the same person (pure).

Tokens are HMACs of tax codes in every spelling; two candidates sharing any of them have the same canonical tax
code. Different people who share a canonical code are taken for one: for keep-apart that refuses more, never
less (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping


def same_person_as(person_id: str, tokens: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The other candidates (person ids) whose tokens meet this candidate's."""
    mine = tokens.get(person_id, frozenset())
    if not mine:
        return frozenset()
    return frozenset(other for other, theirs in tokens.items() if other != person_id and not mine.isdisjoint(theirs))


def referred_more_than_once(tokens: Mapping[str, frozenset[str]]) -> list[tuple[str, tuple[str, ...]]]:
    """Each group of candidates that are one person, as (a token they share, their sorted person ids)."""
    groups: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for person_id in sorted(tokens):
        if person_id in seen:
            continue
        group = {person_id} | same_person_as(person_id, tokens)
        if len(group) < 2:
            continue
        seen |= group
        shared = frozenset.intersection(*(tokens[p] for p in group))
        groups.append((min(shared) if shared else min(tokens[person_id]), tuple(sorted(group))))
    return groups
