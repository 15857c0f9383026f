"""Who may see whom: a social worker sees the people of their municipality, and of their district if they have one."""

from __future__ import annotations

from cantiere_events import Actor
from cantiere_runtime.auth import Principal
from cantiere_runtime.errors import Forbidden

from cantiere_referrals.domain.errors import PersonNotFound
from cantiere_referrals.domain.person import Person


def actor(principal: Principal) -> Actor:
    """The pseudonymous actor an event records."""
    return Actor(user_id=principal.user_id, role=principal.role.value)


def district_for_new_person(principal: Principal, requested: str | None) -> str | None:
    """The district a new person belongs to: the caller's own when they have one."""
    if principal.district is None:
        return requested
    if requested not in (None, principal.district):
        raise Forbidden(
            "Puoi registrare solo persone del tuo municipio.", "You may only register people of your own district."
        )
    return principal.district


def may_see(principal: Principal, person: Person | None) -> bool:
    """Whether the caller may see this person at all."""
    if person is None:
        return False
    return principal.district is None or principal.district == person.district


def visible(principal: Principal, person: Person | None) -> Person:
    """The person if the caller may see them; otherwise 'not found' (never 'forbidden': no hint they exist)."""
    if person is None or not may_see(principal, person):
        raise PersonNotFound()
    return person
