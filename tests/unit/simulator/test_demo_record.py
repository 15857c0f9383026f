"""The data folder remembers the demo: played once, and never played again on top of an interrupted one."""

from __future__ import annotations

import json
from pathlib import Path

from cantiere_simulator.demo import PLAYED, already_played


def test_a_fresh_folder_has_no_demo_an_interrupted_one_is_not_replayed_a_finished_one_says_so(tmp_path: Path) -> None:
    assert already_played(tmp_path) is None
    (tmp_path / PLAYED).write_text(json.dumps({"status": "playing", "seed": 1}))
    assert already_played(tmp_path) == "interrupted"
    (tmp_path / PLAYED).write_text(json.dumps({"status": "played", "seed": 1}))
    assert already_played(tmp_path) == "played"
