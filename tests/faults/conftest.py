"""The fault suite's summary: the figures of every fault scenario, printed at the end of the run."""

from __future__ import annotations

import pytest

from .ledger import FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [
        str(value)
        for key in ("passed", "failed")
        for report in terminalreporter.stats.get(key, [])
        if getattr(report, "when", None) == "call"
        for name, value in report.user_properties
        if name == FIGURES
    ]
    if lines:
        terminalreporter.section("fault figures")
        for line in lines:
            terminalreporter.write_line(line)
