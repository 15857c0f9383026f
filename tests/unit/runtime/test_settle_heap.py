"""A service process puts what it built before serving out of the garbage collector's sight."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc
from cantiere_runtime.service import YOUNG_OBJECTS, settle_heap
before = gc.get_freeze_count()
settle_heap()
print(before, gc.get_freeze_count(), gc.get_threshold()[0] == YOUNG_OBJECTS)
"""


def test_settling_freezes_the_start_up_heap_and_spaces_young_collections() -> None:
    # In a process of its own: freezing the test runner's heap would keep its garbage for the whole run.
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
    before, after, spaced = int(out[0]), int(out[1]), out[2]
    assert before == 0
    assert after > 10_000  # modules, models, the app: start-up's objects
    assert spaced == "True"
