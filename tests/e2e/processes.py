"""Real service processes for end-to-end tests: started as an operator starts them, always stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from cantiere_runtime.nats_server import free_port

T = TypeVar("T")


@dataclass
class Service:
    """One running service process, its HTTP port and its log file."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]
    package: str = ""
    env: dict[str, str] = field(default_factory=dict)  # the whole environment it was started with
    directory: Path = Path(".")

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        """``python -m <package> <args>`` with this service's environment, appending to its log."""
        return _spawn(self.package, args, self.env, self.directory, self.log)

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory killer would end it: no shutdown code runs."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def restart(self) -> None:
        """Start it again as the operator (or the supervisor) would: same settings, port and database."""
        assert self.process.poll() is not None, f"{self.name} is still running"
        self.process = self.spawn("serve")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Fleet:
    """The processes of one test, stopped together."""

    directory: Path
    services: dict[str, Service] = field(default_factory=dict)

    def start(self, name: str, package: str, env: dict[str, str]) -> Service:
        """``python -m <package> serve`` with only these CANTIERE_* settings, its own SQLite file and free port."""
        port = free_port()
        base = {k: v for k, v in os.environ.items() if not k.startswith("CANTIERE_")}
        settings = {
            "CANTIERE_DATABASE_URL": f"sqlite:///{self.directory / f'{name}.db'}",
            "CANTIERE_HTTP_PORT": str(port),
            "CANTIERE_HTTP_HOST": "127.0.0.1",
            "CANTIERE_ENVIRONMENT": "test",
            "CANTIERE_LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        log = self.directory / f"{name}.log"
        log.write_bytes(b"")
        environment = {**base, **settings}
        process = _spawn(package, ("serve",), environment, self.directory, log)
        service = Service(name, port, log, process, package, environment, self.directory)
        self.services[name] = service
        return service

    async def healthy(self, timeout: float = 30.0) -> None:
        """Wait until every service answers GET /health with 200 (a process that dies fails at once)."""
        async with httpx.AsyncClient(timeout=2.0) as http:
            for service in self.services.values():

                async def ready(s: Service = service) -> bool:
                    if s.process.poll() is not None:
                        raise AssertionError(f"{s.name} exited with {s.process.returncode}:\n{s.log_tail()}")
                    try:
                        return (await http.get(f"{s.url}/health")).status_code == 200
                    except httpx.TransportError:
                        return False

                await until(ready, timeout, f"{service.name} did not become healthy")

    def stop(self) -> None:
        """SIGTERM every process (graceful shutdown of the lifespan), SIGKILL what does not exit in time."""
        for service in self.services.values():
            if service.process.poll() is None:
                service.process.send_signal(signal.SIGTERM)
        for service in self.services.values():
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait(timeout=5)

    def logs(self) -> str:
        """Everything every process wrote."""
        return "\n".join(s.log.read_text(encoding="utf-8", errors="replace") for s in self.services.values())


def _spawn(
    package: str, args: tuple[str, ...], env: dict[str, str], directory: Path, log: Path
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", package, *args], env=env, cwd=directory, stdout=out, stderr=subprocess.STDOUT
        )


@contextmanager
def fleet(directory: Path) -> Iterator[Fleet]:
    """A fleet whose processes are stopped whatever happens; asserts none is left alive."""
    running = Fleet(directory)
    try:
        yield running
    finally:
        running.stop()
    alive = [s.name for s in running.services.values() if s.process.poll() is None]
    assert not alive, f"processes left running: {alive}"


async def until(condition: Callable[[], Awaitable[T]], timeout: float = 20.0, what: str = "condition") -> T:
    """Poll ``condition`` until it returns something truthy, or fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while True:
        last = await condition()
        if last:
            return last
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for: {what}")
        await asyncio.sleep(0.1)
