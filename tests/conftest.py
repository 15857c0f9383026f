"""Test harness: a real NATS server, SQLite always and PostgreSQL when CANTIERE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from cantiere_runtime.bus import STREAMS, declare_streams
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.nats_server import NatsServer
from nats.js.errors import NotFoundError, ServerError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

POSTGRES_URL = os.environ.get("CANTIERE_TEST_POSTGRES_URL")


@dataclass
class NatsUnderTest:
    """A NATS server for tests; ``restart`` is only possible on one the harness started itself."""

    url: str
    server: NatsServer | None = None
    container: Any = None

    @property
    def restartable(self) -> bool:
        return self.server is not None or self.container is not None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        elif self.container is not None:
            self.container.get_wrapped_container().stop()
        else:
            pytest.skip("NATS_URL names a server this harness cannot stop")

    def start(self) -> None:
        if self.server is not None:
            self.server.start()
        elif self.container is not None:
            self.container.get_wrapped_container().start()


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


def _start_nats(store: Path) -> NatsUnderTest:
    if _docker_answers():
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.waiting_utils import wait_for_logs

        container = DockerContainer("nats:2.10").with_command("-js -sd /data").with_bind_ports(4222, None)
        container.start()
        wait_for_logs(container, "Server is ready")
        port = container.get_exposed_port(4222)
        return NatsUnderTest(f"nats://{container.get_container_host_ip()}:{port}", container=container)
    server = NatsServer(store_dir=store, log_file=store.parent / f"{store.name}.log").start()
    return NatsUnderTest(server.url, server=server)


def _stop_nats(handle: NatsUnderTest) -> None:
    if handle.server is not None:
        handle.server.stop()
    if handle.container is not None:
        handle.container.stop()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsUnderTest]:
    """The session's NATS: NATS_URL if set, else a testcontainers container where Docker answers, else the binary."""
    if url := os.environ.get("NATS_URL"):
        yield NatsUnderTest(url)
        return
    handle = _start_nats(tmp_path_factory.mktemp("nats") / "store")
    yield handle
    _stop_nats(handle)


@pytest.fixture
def restartable_nats(tmp_path: Path) -> Iterator[NatsUnderTest]:
    """A NATS server of this test alone, which the test may stop and start (fault tests)."""
    handle = _start_nats(tmp_path / "nats-store")
    yield handle
    _stop_nats(handle)


async def fresh_streams(url: str) -> None:
    """Delete and declare Cantiere's streams, so each test starts from empty streams."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    for spec in STREAMS:
        try:
            await js.delete_stream(spec.name)
        except NotFoundError:
            pass
    # The server removes a deleted stream's files after answering; a stream created again at once under the
    # same name may meet them ("error creating store for stream", seen once in a thousand): try again shortly.
    for attempt in range(1, 6):
        try:
            await declare_streams(js)
            break
        except ServerError:
            if attempt == 5:
                raise
            await asyncio.sleep(0.1 * attempt)
    await nc.close()


@pytest_asyncio.fixture
async def nats_url(nats_server: NatsUnderTest) -> AsyncIterator[str]:
    """The URL of a NATS server whose Cantiere streams are empty and declared."""
    await fresh_streams(nats_server.url)
    yield nats_server.url


@pytest_asyncio.fixture
async def nc(nats_url: str) -> AsyncIterator[nats.NATS]:
    """A plain connection to the test NATS server."""
    client = await nats.connect(nats_url)
    yield client
    await client.close()


def _backends() -> list[Any]:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """A database URL and schema: a SQLite file of this test, or a PostgreSQL schema of this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}", None
        return
    if not POSTGRES_URL:
        pytest.skip("CANTIERE_TEST_POSTGRES_URL is not set")
    yield POSTGRES_URL, f"t_{uuid.uuid4().hex[:12]}"


@pytest_asyncio.fixture
async def engine(db_url: tuple[str, str | None]) -> AsyncIterator[AsyncEngine]:
    """A migrated database (runtime tables) on each backend."""
    url, schema = db_url
    if schema:
        admin = create_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await admin.dispose()
    eng = create_engine(url, schema=schema)
    await migrate(eng)
    yield eng
    await eng.dispose()
    if schema:
        admin = create_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()
