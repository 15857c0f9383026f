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

import httpx
import pytest
from cantiere_runtime.nats_server import free_port

from tests.support.metrics import sample

pytestmark = pytest.mark.slow


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_up_without_the_demo_starts_every_service_healthy_and_ctrl_c_leaves_no_process(tmp_path: Path) -> None:
    busy = [p for p in (8100, 8200, 8300) if _port_open(p)]
    if busy:
        pytest.skip(f"ports {busy} are taken on this machine: cantiere up uses fixed default ports")
    nats_port = free_port()
    cantiere = Path(sys.executable).parent / "cantiere"
    proc = subprocess.Popen(
        [str(cantiere), "up", "--data-dir", str(tmp_path / "var"), "--nats-port", str(nats_port), "--no-demo"],
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
        # The pilot as it was organised: nine municipalities in three ambiti, one referrals process each.
        assert len(service_lines) == 2 + 3, "\n".join(lines)
        assert [line.split()[1] for line in service_lines[2:]] == [
            "ambito-bari",
            "ambito-mola-di-bari",
            "ambito-triggiano",
        ], "\n".join(lines)
        assert all(line.endswith(" ok") for line in service_lines), "\n".join(lines)
        assert elapsed < 30, f"services took {elapsed:.1f}s to become healthy"
        ports = [int(line.split("http://127.0.0.1:")[1].split()[0]) for line in service_lines]
        assert ports[:3] == [8100, 8200, 8300]
        for port in ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                assert response.status == 200
        names = [line.split()[1 if line.startswith("referrals") else 0] for line in service_lines]
        metrics_answer_on_every_service(dict(zip(names, ports, strict=True)))
        assert any(line.startswith("identity (development)") and line.endswith(" ok") for line in lines)
        assert not [line for line in lines if line.startswith("demo")], "--no-demo (make up DEMO=0) plays nothing"
        signed_in_through_the_development_provider(tmp_path / "var")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode is not None
    time.sleep(0.5)
    assert not [p for p in [nats_port, *ports] if _port_open(p)], "a process still listens after Ctrl-C"
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout.split()
    assert not [pid for pid in leftover if int(pid) != os.getpid()], "a process of the run is still alive"


def metrics_answer_on_every_service(ports: dict[str, int]) -> None:
    """GET /metrics answers on each service in the Prometheus format; the process of Ambito 5 labels its outbox
    and projections by each municipality it serves."""
    texts = {}
    for name, port in ports.items():
        answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain"), name
        texts[name] = answer.text
        assert sample(answer.text, "cantiere_http_requests_total", route="/health", status="200"), name
        assert sample(answer.text, "cantiere_outbox_pending_events") is not None, name
    for municipality in ("triggiano", "adelfia", "capurso", "cellamare", "valenzano"):
        assert sample(texts["ambito-triggiano"], "cantiere_outbox_pending_events", partner=municipality) == 0
        assert sample(texts["ambito-triggiano"], "cantiere_projection_stopped", partner=municipality) == 0
    assert sample(texts["monitoring"], "cantiere_projection_lag_events", service="monitoring") is not None


def signed_in_through_the_development_provider(data_dir: Path) -> None:
    """A person signs in at Bari's referrals service through Bari's development issuer; `cantiere token` signs a
    token Bari's service accepts and Mola's refuses."""
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        page = browser.get("http://127.0.0.1:8300/accedi?next=/caseload")
        assert page.url.path == "/bari/authorize" and "Municipio I" in page.text
        back = browser.post(str(page.url), data={"user": "demo-bari-sw-2"}, follow_redirects=False)
        assert back.headers["location"].startswith("http://127.0.0.1:8300/auth/callback?code=")
        signed_in = browser.get(back.headers["location"], follow_redirects=False)
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/caseload"), signed_in.text
        again = browser.get("http://127.0.0.1:8300/accedi?next=/caseload", follow_redirects=False)
        assert (again.status_code, again.headers["location"]) == (303, "/caseload")  # the session is open
    cantiere = Path(sys.executable).parent / "cantiere"
    token = subprocess.run(
        [str(cantiere), "token", "--role", "social_worker", "--partner", "bari", "--data-dir", str(data_dir)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get("http://127.0.0.1:8300/caseload", headers=headers).status_code == 200
    assert httpx.get("http://127.0.0.1:8301/caseload", headers=headers).status_code == 401
    capurso = subprocess.run(
        [str(cantiere), "token", "--role", "social_worker", "--partner", "capurso", "--data-dir", str(data_dir)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    planner = subprocess.run(
        [str(cantiere), "token", "--role", "district_planner", "--partner", "triggiano", "--data-dir", str(data_dir)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The Ufficio di Piano of Ambito 5, signed in by its capofila, reads the ambito's figures at monitoring.
    ambito = httpx.get("http://127.0.0.1:8200/ambito", headers={"Authorization": f"Bearer {planner}"})
    assert ambito.status_code == 200 and ambito.json()["ambito"]["capofila"] == "triggiano", ambito.text
    # Capurso's social workers sign in at the process of Ambito 5, shared with Triggiano and three more.
    assert (
        httpx.get("http://127.0.0.1:8302/caseload", headers={"Authorization": f"Bearer {capurso}"}).status_code == 200
    )
