"""A real nats-server running the generated pilot permissions, and connections as each user."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType

import nats
import pytest
import pytest_asyncio
from cantiere_runtime.bus import declare_streams
from cantiere_runtime.nats_server import NatsServer
from cantiere_runtime.territory import Territory, load_territory
from nats.aio.client import Client

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
NATS_DIR = DEPLOY / "nats"


def load_generator() -> ModuleType:
    """deploy/nats/generate.py is a script, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("cantiere_deploy_generate", NATS_DIR / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


generate = load_generator()


def load_compose_generator() -> ModuleType:
    """deploy/compose/generate.py, loaded by path like the NATS generator."""
    spec = importlib.util.spec_from_file_location("cantiere_deploy_compose", DEPLOY / "compose/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


compose_generate = load_compose_generator()


def pilot_territory() -> Territory:
    """The pilot as the generator reads it (per_ambito: three referrals processes)."""
    return load_territory(generate.DEFAULT_TERRITORY)


def test_passwords() -> dict[str, str]:
    """An invented password per NATS_PASSWORD_* variable the configs reference (leaf ones included)."""
    territory = pilot_territory()
    processes = tuple(process for process, _ in territory.referrals_groups())
    users = generate.users_for(territory, leaves=processes)
    env = {u.password_var: f"pw-{u.name}" for u in users}
    env["LEAF_HUB_URL"] = "nats-leaf://leaf-ambito-bari:pw-leaf-ambito-bari@127.0.0.1:7422"
    return env


test_passwords.__test__ = False  # type: ignore[attr-defined]
PASSWORDS = test_passwords()


def password_of(user: str) -> str:
    return f"pw-{user}"


# nats-py's own default, what a client that forgets CANTIERE_NATS__INBOX_PREFIX uses.
DEFAULT_INBOX = generate.DEFAULT_INBOX
OWN = "own"  # connect_as(user): the user's own prefix, as its service connects


def inbox_prefix_of(user: str) -> str:
    """The inbox prefix a pilot user connects with (the admin keeps the default)."""
    return DEFAULT_INBOX if user == generate.ADMIN_USER else generate.inbox_prefix(user)


@pytest.fixture(scope="module")
def pilot_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """nats-server on a free port, with a wrapper config that includes the committed accounts.conf."""
    yield from running_nats(tmp_path_factory.mktemp("nats-pilot"), NATS_DIR / "accounts.conf", PASSWORDS)


def running_nats(tmp: Path, accounts: Path, passwords: dict[str, str]) -> Iterator[NatsServer]:
    """A nats-server on a free port whose config includes ``accounts``, with these password variables."""
    wrapper = tmp / "server.conf"
    # Includes are relative to the including file; port and store dir come from NatsServer's flags.
    wrapper.write_text(f'include "{os.path.relpath(accounts, tmp)}"\n', encoding="utf-8")
    saved = {k: os.environ.get(k) for k in passwords}
    os.environ.update(passwords)  # nats-server resolves $NATS_PASSWORD_* from its environment
    server = NatsServer(store_dir=tmp / "store", config_file=wrapper, log_file=tmp / "nats.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Errors:
    """What the server reported to one connection through error_cb.

    nats-py wants a coroutine function as error_cb: pass ``errors.record``.
    """

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def record(self, exc: Exception) -> None:
        self.seen.append(str(exc))

    def violations(self) -> list[str]:
        return [e for e in self.seen if "permissions violation" in e.lower()]


# connect_as(user) connects with the user's own inbox prefix; connect_as(user, inbox_prefix=...) with another.
Connect = Callable[..., Awaitable[tuple[Client, Errors]]]


@pytest_asyncio.fixture
async def connect_as(pilot_nats: NatsServer) -> AsyncIterator[Connect]:
    """Open connections as pilot users, each with its own inbox prefix (closed at the end).

    The admin declares the streams first.
    """
    opened: list[Client] = []

    async def _connect(user: str, inbox_prefix: str = OWN) -> tuple[Client, Errors]:
        errors = Errors()
        nc = await nats.connect(
            pilot_nats.url,
            user=user,
            password=password_of(user),
            error_cb=errors.record,
            allow_reconnect=False,
            connect_timeout=2,
            name=f"test-{user}",
            # As cantiere_runtime.bus.connect does with CANTIERE_NATS__INBOX_PREFIX.
            inbox_prefix=inbox_prefix_of(user) if inbox_prefix == OWN else inbox_prefix,
        )
        opened.append(nc)
        return nc, errors

    admin, _ = await _connect(generate.ADMIN_USER)
    await declare_streams(admin.jetstream())
    yield _connect
    for nc in opened:
        if not nc.is_closed:
            await nc.close()
