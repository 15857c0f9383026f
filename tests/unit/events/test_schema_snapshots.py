"""The JSON Schema snapshots guard the contract: a changed model fails until its version or the snapshot moves."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from cantiere_events import EventRegistry, Producer, PublicEvent
from cantiere_events.catalogue import main
from cantiere_events.contract import PUBLIC
from cantiere_events.snapshots import CHANGES_FILE, SCHEMA_DIR, check_snapshots, schema_of, write_snapshots
from pydantic import Field


def test_committed_snapshots_match_the_contract_models() -> None:
    problems = check_snapshots(PUBLIC, SCHEMA_DIR)
    assert not problems, "\n".join(problems)


def test_every_version_below_the_current_one_has_an_upcaster() -> None:
    missing = PUBLIC.missing_upcasters()
    assert not missing, f"register @PUBLIC.upcaster(type, from_version=N) in cantiere_events/contract.py for {missing}"


def test_every_snapshot_is_valid_json_schema_metadata_for_its_event() -> None:
    for model in PUBLIC.events():
        schema = schema_of(model)
        assert schema["title"] == model.event_type
        assert schema["x-cantiere"]["event_version"] == model.event_version
        assert schema["additionalProperties"] is False


class SampleV1(PublicEvent):
    """A sample happened (test)."""

    event_type = "SampleHappened"
    producer = Producer.PLACEMENTS
    count: int


class SampleV1Changed(PublicEvent):
    """A sample happened (test), with a field added but the version left alone."""

    event_type = "SampleHappened"
    producer = Producer.PLACEMENTS
    count: int
    unit: str = Field(default="piece", pattern=r"^[a-z]+$")


class SampleV2(PublicEvent):
    """A sample happened (test, version 2)."""

    event_type = "SampleHappened"
    event_version = 2
    producer = Producer.PLACEMENTS
    count: int
    unit: str = Field(pattern=r"^[a-z]+$")


def registry_of(model: type[PublicEvent], *, upcaster: bool = False) -> EventRegistry:
    registry = EventRegistry("test")
    registry.register(model)
    if upcaster:
        registry.upcaster(model.event_type, from_version=1)(lambda data: {**data, "unit": "piece"})
    return registry


def snapshot_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "schemas"
    report = write_snapshots(registry_of(SampleV1), directory)
    assert [p.name for p in report.written] == ["SampleHappened.v1.json"]
    return directory


def test_a_model_changed_without_a_version_bump_fails_the_guard(tmp_path: Path) -> None:
    directory = snapshot_dir(tmp_path)
    assert check_snapshots(registry_of(SampleV1), directory) == []
    [problem] = check_snapshots(registry_of(SampleV1Changed), directory)
    assert "SampleHappened v1 no longer matches its committed schema snapshot" in problem
    assert "set event_version = 2, register an upcaster" in problem
    assert '--accept-compatible "why"' in problem


def test_writing_snapshots_refuses_to_overwrite_a_drifted_one_without_a_reason(tmp_path: Path) -> None:
    directory = snapshot_dir(tmp_path)
    before = (directory / "SampleHappened.v1.json").read_text()
    report = write_snapshots(registry_of(SampleV1Changed), directory)
    assert report.refused and not report.written and not report.accepted
    assert (directory / "SampleHappened.v1.json").read_text() == before
    with pytest.raises(ValueError, match="needs a reason"):
        write_snapshots(registry_of(SampleV1Changed), directory, accept_compatible="  ")


def test_a_compatible_change_is_accepted_with_its_reason_logged(tmp_path: Path) -> None:
    directory = snapshot_dir(tmp_path)
    registry = registry_of(SampleV1Changed)
    reason = "optional unit with a default:\nold readers ignore it"
    report = write_snapshots(registry, directory, accept_compatible=reason, today=date(2026, 1, 2))
    assert [p.name for p in report.accepted] == ["SampleHappened.v1.json"]
    assert check_snapshots(registry, directory) == []
    log = (directory / CHANGES_FILE).read_text()
    assert log.startswith("# Compatible schema changes")
    assert log.endswith("- 2026-01-02 `SampleHappened` v1: optional unit with a default: old readers ignore it\n")


def test_a_version_bump_adds_a_snapshot_and_keeps_the_old_one(tmp_path: Path) -> None:
    directory = snapshot_dir(tmp_path)
    registry = registry_of(SampleV2, upcaster=True)
    [problem] = check_snapshots(registry, directory)
    assert "SampleHappened v2 has no snapshot: run `cantiere-events schemas`" in problem
    assert [p.name for p in write_snapshots(registry, directory).written] == ["SampleHappened.v2.json"]
    assert check_snapshots(registry, directory) == []
    assert registry.missing_upcasters() == []
    (directory / "SampleHappened.v1.json").unlink()
    assert check_snapshots(registry, directory) == [
        "SampleHappened: the snapshot of old version v1 is missing; old snapshots stay committed."
    ]


def test_a_version_bump_without_an_upcaster_is_reported() -> None:
    assert registry_of(SampleV2).missing_upcasters() == [("SampleHappened", 1)]


def test_a_version_going_down_is_reported(tmp_path: Path) -> None:
    directory = tmp_path / "schemas"
    write_snapshots(registry_of(SampleV2, upcaster=True), directory)
    write_snapshots(registry_of(SampleV1), directory)
    assert any("versions never go down" in p for p in check_snapshots(registry_of(SampleV1), directory))


def committed_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, directory)
    return directory


def test_the_schemas_command_checks_writes_and_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = committed_copy(tmp_path)
    assert main(["schemas", "--check", "--dir", str(directory)]) == 0
    drifted = directory / "ReferralClosed.v1.json"
    drifted.write_text(drifted.read_text().replace('"closed_on"', '"closed_at"'))
    assert main(["schemas", "--check", "--dir", str(directory)]) == 1
    assert "ReferralClosed v1 no longer matches" in capsys.readouterr().err
    assert main(["schemas", "--dir", str(directory)]) == 1
    assert main(["schemas", "--dir", str(directory), "--accept-compatible", "test: restore"]) == 0
    assert "rewritten as compatible ReferralClosed.v1.json" in capsys.readouterr().out
    assert "`ReferralClosed` v1: test: restore" in (directory / CHANGES_FILE).read_text()
    (directory / "CaseClosed.v1.json").unlink()
    assert main(["schemas", "--dir", str(directory)]) == 0
    assert "written CaseClosed.v1.json" in capsys.readouterr().out
    assert main(["schemas", "--check", "--dir", str(directory)]) == 0
