"""Schema migrations with Alembic: each component (runtime, each service) has its own history and version table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

ENV_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Component:
    """A migration history: its versions folder, its version table and (for autogenerate) its metadata."""

    name: str
    versions: Path
    metadata: MetaData | None = None

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.name}"


RUNTIME = Component("runtime", ENV_DIR / "versions")


def _config(component: Component, connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ENV_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(component.versions))
    cfg.attributes["connection"] = connection
    cfg.attributes["version_table"] = component.version_table
    cfg.attributes["target_metadata"] = component.metadata
    return cfg


async def migrate(engine: AsyncEngine, *components: Component, revision: str = "heads") -> None:
    """Bring the database to the latest schema of the runtime and of each given component."""
    for component in (RUNTIME, *components):

        def upgrade(sync_conn: Connection, c: Component = component) -> None:
            command.upgrade(_config(c, sync_conn), revision)

        async with engine.begin() as conn:
            await conn.run_sync(upgrade)
