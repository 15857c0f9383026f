"""The masterplan command reads the database directly: it too writes no report while a withdrawal waits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cantiere_monitoring.bootstrap import COMPONENT
from cantiere_monitoring.entrypoints.cli import app
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.projector import Checkpoints
from typer.testing import CliRunner

CONSENT = "monitoring_statistics_consent"


def _checkpoint(url: str, *, blocked: bool) -> None:
    async def write() -> None:
        engine = create_engine(url)
        await migrate(engine, COMPONENT)
        async with engine.begin() as conn:
            if blocked:
                await Checkpoints.block(conn, CONSENT, 7)
            else:
                await Checkpoints.set(conn, CONSENT, 8)
        assert await Checkpoints(engine).blocked() == ([CONSENT] if blocked else [])
        await engine.dispose()

    asyncio.run(write())


def test_no_report_is_written_while_the_consent_projection_is_stopped_and_one_is_once_it_flows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'monitoring.db'}"
    monkeypatch.setenv("CANTIERE_DATABASE_URL", url)
    out = tmp_path / "masterplan.html"
    _checkpoint(url, blocked=True)  # as the running service records it (another process)
    stopped = CliRunner().invoke(app, ["masterplan", "--out", str(out)])
    assert stopped.exit_code == 3, stopped.output
    assert "withheld" in stopped.output and "sospese" in stopped.output
    assert not out.exists()

    _checkpoint(url, blocked=False)  # fixed: the projection applied the withdrawal and moved on
    flowing = CliRunner().invoke(app, ["masterplan", "--out", str(out)])
    assert flowing.exit_code == 0, flowing.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
