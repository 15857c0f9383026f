"""A service's database backed up while in use and restored into an empty database: the same rows; a database
that is not empty is never restored over."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cantiere_runtime.backup_db import BackupError, backup_database, restore_database, tables_in
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.store import EventStore

from tests.support.databases import POSTGRES_URL, fresh_databases

from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, context


async def opened(store: EventStore, n: int) -> None:
    """A counter with a private and a public event (an outbox row)."""
    await store.append(f"c-{n}", 0, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=context())


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


async def rows_of(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            return {
                n: [tuple(r) for r in (await conn.execute(sa.text(f'SELECT * FROM "{n}" ORDER BY 1'))).all()]  # noqa: S608
                for n in sorted(names)
            }
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_database_restored_into_an_empty_one_holds_the_same_rows(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("CANTIERE_TEST_POSTGRES_URL is not set")
    with fresh_databases(backend, tmp_path, ["live", "restored"]) as url:
        engine = create_engine(url["live"])
        try:
            await migrate(engine)
            store = EventStore(engine, REGISTRY)
            for n in range(5):
                await opened(store, n)
            written = backup_database(url["live"], tmp_path / "backups" / "service")  # the service keeps running
            await opened(store, 99)  # after the backup: not in it
        finally:
            await engine.dispose()
        assert written.suffix == (".sqlite" if backend == "sqlite" else ".pgdump")
        assert tables_in(url["restored"]) == []
        restore_database(url["restored"], written)
        live, restored = await rows_of(url["live"]), await rows_of(url["restored"])
        assert set(restored) == set(live) and "events" in {n.rsplit(".", 1)[-1] for n in restored}
        events = next(n for n in restored if n.endswith("events"))
        assert len(restored[events]) == len(live[events]) - 1 > 0
        assert restored[events] == live[events][: len(restored[events])]


async def test_a_database_that_is_not_empty_is_never_restored_over(tmp_path: Path) -> None:
    with fresh_databases("sqlite", tmp_path, ["live"]) as url:
        engine = create_engine(url["live"])
        await migrate(engine)
        await engine.dispose()
        written = backup_database(url["live"], tmp_path / "service")
        with pytest.raises(BackupError, match="not empty"):
            restore_database(url["live"], written)
        with pytest.raises(BackupError, match="not a backup of this kind"):
            restore_database("postgresql://nobody@127.0.0.1:1/none", written)
