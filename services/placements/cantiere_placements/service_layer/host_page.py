"""The company tutor's page, for the JSON route and the web page alike: a host's interns, first names audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.unit_of_work import CommandHandler, UnitOfWork

from cantiere_placements.adapters import queries
from cantiere_placements.adapters.vault import FirstNameVault, Reader


async def host_interns(
    commands: CommandHandler, vault: FirstNameVault, host_id: str, principal: Principal, now: datetime
) -> list[dict[str, Any]]:
    """The host's current interns: role, schedule and attendance, and the first name of those who consent to
    minimal data going to the host (each name read from the vault is audited); a tutor sees only its own host."""
    if principal.role is Role.COMPANY_TUTOR and principal.host_id != host_id:
        raise Forbidden("Puoi vedere solo i tirocinanti della tua azienda.", "You see only your own host's interns.")
    page = await queries.tutor_page(commands.engine, host_id)
    reader = Reader(principal.user_id, principal.role.value, principal.partner, "host tutor page")

    async def audited_names(unit: UnitOfWork) -> None:  # each name read is audited in the same transaction
        for intern in page:
            person_id, shows = intern["person_id"], intern["shows_first_name"]
            intern["first_name"] = await vault.read(unit.conn, person_id, reader, now) if shows else None

    await commands.run(audited_names)
    for intern in page:
        del intern["person_id"], intern["shows_first_name"]
    return page
