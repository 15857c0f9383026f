"""The catalogue command: a Markdown table of the contract, checked and written between markers."""

from __future__ import annotations

from pathlib import Path

import pytest
from cantiere_events import EventRegistry, Producer, PublicEvent
from cantiere_events.catalogue import END, START, catalogue_markdown, check_file, main
from cantiere_events.contract import PUBLIC

README = Path(__file__).parents[3] / "libs" / "events" / "README.md"


def test_the_table_has_one_row_per_event_referrals_first_then_placements() -> None:
    lines = catalogue_markdown().splitlines()
    assert lines[0] == "| type | version | producer | audience | description |"
    rows = lines[2:]
    assert len(rows) == len(PUBLIC)
    producers = [row.split(" | ")[2] for row in rows]
    assert producers == sorted(producers, key=["referrals", "placements"].index)
    assert rows[0].startswith("| `ConsentRecorded` | 1 | referrals | public | A person gave consent")
    assert "| `PlacementRefused` | 1 | placements | restricted |" in catalogue_markdown()


def test_within_a_producer_events_follow_the_phases_of_the_process() -> None:
    types = [row.split("`")[1] for row in catalogue_markdown().splitlines()[2:]]
    assert types.index("ReferralAccepted") < types.index("PlacementProposed") < types.index("AgreementSigned")
    assert types.index("InternshipStarted") < types.index("InternshipCompleted") < types.index("CaseClosed")


def test_a_pipe_in_a_description_does_not_break_the_table() -> None:
    class Piped(PublicEvent):
        """Something | with a pipe happened (test)."""

        event_type = "Piped"
        producer = Producer.MONITORING

    registry = EventRegistry("test")
    registry.register(Piped)
    assert "Something \\| with a pipe happened (test)." in catalogue_markdown(registry)


def test_the_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue"]) == 0
    assert capsys.readouterr().out == catalogue_markdown()


def test_check_fails_on_a_stale_block_and_write_fixes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "events.md"
    doc.write_text(f"# Events\n\n{START}\n| old table |\n{END}\n\nAfter.\n", encoding="utf-8")
    assert main(["catalogue", "--check", str(doc)]) == 1
    assert "out of date; run `cantiere-events catalogue --write" in capsys.readouterr().err
    assert main(["catalogue", "--write", str(doc)]) == 0
    assert main(["catalogue", "--check", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Events\n\n")
    assert text.endswith(f"{END}\n\nAfter.\n")
    assert catalogue_markdown() in text


def test_check_and_write_need_the_markers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "events.md"
    doc.write_text("# Events\n", encoding="utf-8")
    assert main(["catalogue", "--check", str(doc)]) == 1
    assert main(["catalogue", "--write", str(doc)]) == 1
    assert capsys.readouterr().err.count("add both markers") == 2
    assert check_file(tmp_path / "missing.md") is not None


def test_the_package_readme_shows_the_current_catalogue() -> None:
    assert check_file(README) is None, "run: cantiere-events catalogue --write libs/events/README.md"


def test_the_repository_readme_shows_the_current_catalogue() -> None:
    root_readme = Path(__file__).parents[3] / "README.md"
    assert check_file(root_readme) is None, "run: make catalogue"
