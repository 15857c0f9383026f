"""`cantiere up` as a user runs it: every service healthy, and nothing left running after Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cantiere_runtime.nats_server import free_port

pytestmark = pytest.mark.slow


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_up_starts_every_service_healthy_and_ctrl_c_leaves_no_process(tmp_path: Path) -> None:
    busy = [p for p in (8100, 8200, 8300) if _port_open(p)]
    if busy:
        pytest.skip(f"ports {busy} are taken on this machine: cantiere up uses fixed default ports")
    nats_port = free_port()
    cantiere = Path(sys.executable).parent / "cantiere"
    proc = subprocess.Popen(
        [str(cantiere), "up", "--data-dir", str(tmp_path / "var"), "--nats-port", str(nats_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    started = time.monotonic()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if "Ctrl-C" in line:
                break
        elapsed = time.monotonic() - started
        service_lines = [line for line in lines if line.startswith(("placements", "monitoring", "referrals"))]
        assert len(service_lines) == 2 + 9, "\n".join(lines)  # the pilot: 9 municipalities
        assert all(line.endswith(" ok") for line in service_lines), "\n".join(lines)
        assert elapsed < 30, f"services took {elapsed:.1f}s to become healthy"
        ports = [int(line.split("http://127.0.0.1:")[1].split()[0]) for line in service_lines]
        assert ports[:3] == [8100, 8200, 8300]
        for port in ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                assert response.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode is not None
    time.sleep(0.5)
    assert not [p for p in [nats_port, *ports] if _port_open(p)], "a process still listens after Ctrl-C"
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout.split()
    assert not [pid for pid in leftover if int(pid) != os.getpid()], "a process of the run is still alive"
