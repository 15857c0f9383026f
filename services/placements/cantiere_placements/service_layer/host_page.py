"""The company tutor's page, for the JSON route and the web page alike: a host's interns, first names audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_placements.adapters import queries
from cantiere_placements.adapters.vault import FirstNameVault, Reader


async def host_interns(
    engine: AsyncEngine, vault: FirstNameVault, host_id: str, principal: Principal, now: datetime
) -> list[dict[str, Any]]:
    """The host's current interns: role, schedule and attendance, and the first name of those who consent to
    minimal data going to the host (each name read from the vault is audited); a tutor sees only its own host."""
    if principal.role is Role.COMPANY_TUTOR and principal.host_id != host_id:
        raise Forbidden("Puoi vedere solo i tirocinanti della tua azienda.", "You see only your own host's interns.")
    page = await queries.tutor_page(engine, host_id)
    reader = Reader(principal.user_id, principal.role.value, principal.partner, "host tutor page")
    async with engine.begin() as conn:
        for intern in page:
            person_id, shows = intern.pop("person_id"), intern.pop("shows_first_name")
            intern["first_name"] = await vault.read(conn, person_id, reader, now) if shows else None
    return page
