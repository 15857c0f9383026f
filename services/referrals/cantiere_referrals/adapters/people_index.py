"""The municipality's index of the people it holds by own token (HMAC of the canonical tax code).

Written in the transaction that registers (or erases) the person, so two registrations of one tax code, in
any of its spellings, cannot both commit: the second meets the primary key.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_referrals.adapters.tables import people_by_token


async def person_with_token(conn: AsyncConnection, token: str) -> str | None:
    """The id of the person held with this own token, if any."""
    query = select(people_by_token.c.person_id).where(people_by_token.c.token == token)
    return (await conn.execute(query)).scalar_one_or_none()


async def token_of(conn: AsyncConnection, person_id: str) -> str | None:
    """The own token under which a person is indexed, if any."""
    query = select(people_by_token.c.token).where(people_by_token.c.person_id == person_id)
    return (await conn.execute(query)).scalar_one_or_none()


async def index_person(conn: AsyncConnection, token: str, person_id: str) -> None:
    """Hold a person under their own token (IntegrityError when another person holds it)."""
    await conn.execute(delete(people_by_token).where(people_by_token.c.person_id == person_id))
    await conn.execute(insert(people_by_token).values(token=token, person_id=person_id))


async def unindex_person(conn: AsyncConnection, person_id: str) -> None:
    """Forget a person's entry (erasure): the tax code may be registered again as a new file."""
    await conn.execute(delete(people_by_token).where(people_by_token.c.person_id == person_id))
