"""JSON Schema snapshots of the contract, committed under ``schemas/<EventType>.v<N>.json``.

A snapshot freezes what version N of an event looks like. When a model changes,
its schema no longer matches the snapshot of its current version, and the guard
test fails: either bump ``event_version`` and register an upcaster (the old
snapshot stays), or, for a change every reader still accepts, rewrite the
snapshot with ``cantiere-events schemas --accept-compatible "why"``, which logs
the reason in ``schemas/COMPATIBLE_CHANGES.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cantiere_events.base import Event
from cantiere_events.registry import EventRegistry

SCHEMA_DIR = Path(__file__).parent / "schemas"
CHANGES_FILE = "COMPATIBLE_CHANGES.md"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SNAPSHOT = re.compile(r"^(?P<type>[A-Z][A-Za-z0-9]+)\.v(?P<version>[0-9]+)\.json$")
_CHANGES_HEADER = """# Compatible schema changes

Snapshots rewritten without a version bump, and why every reader still accepts
the events. Appended by `cantiere-events schemas --accept-compatible REASON`.

"""


def schema_of(model: type[Event]) -> dict[str, Any]:
    """The JSON Schema of an event's payload at its current version, with its contract data."""
    schema = model.model_json_schema()
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = f"urn:cantiere:event:{model.event_type}:v{model.event_version}"
    schema["title"] = model.event_type
    schema["x-cantiere"] = {
        "event_type": model.event_type,
        "event_version": model.event_version,
        "producer": model.producer.value if model.producer else None,
        "audience": model.audience.value,
    }
    return schema


def render(schema: dict[str, Any]) -> str:
    """A schema as committed: pretty, sorted keys, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def snapshot_path(directory: Path, event_type: str, version: int) -> Path:
    """Where the snapshot of one version of an event lives."""
    return directory / f"{event_type}.v{version}.json"


def committed_versions(directory: Path, event_type: str) -> list[int]:
    """The versions of an event that have a snapshot in ``directory``."""
    found = (_SNAPSHOT.match(p.name) for p in directory.glob(f"{event_type}.v*.json"))
    return sorted(int(m["version"]) for m in found if m and m["type"] == event_type)


def drift_message(model: type[Event]) -> str:
    """What a developer does when a model no longer matches the snapshot of its version."""
    t, v = model.event_type, model.event_version
    return (
        f"{t} v{v} no longer matches its committed schema snapshot schemas/{t}.v{v}.json. "
        f"If readers of v{v} could break, set event_version = {v + 1}, register an upcaster "
        f'(@PUBLIC.upcaster("{t}", from_version={v})) and run `cantiere-events schemas`. '
        f'If the change is compatible, run `cantiere-events schemas --accept-compatible "why"`.'
    )


def check_snapshots(registry: EventRegistry, directory: Path = SCHEMA_DIR) -> list[str]:
    """Problems between the registered models and the committed snapshots: empty when they agree."""
    problems: list[str] = []
    for model in registry.events():
        t, v = model.event_type, model.event_version
        path = snapshot_path(directory, t, v)
        if not path.exists():
            problems.append(f"{t} v{v} has no snapshot: run `cantiere-events schemas` and commit schemas/{path.name}.")
        elif path.read_text(encoding="utf-8") != render(schema_of(model)):
            problems.append(drift_message(model))
        committed = committed_versions(directory, t)
        for old in range(1, v):
            if old not in committed:
                problems.append(f"{t}: the snapshot of old version v{old} is missing; old snapshots stay committed.")
        for newer in (c for c in committed if c > v):
            problems.append(f"{t}: a snapshot of v{newer} exists but the model is at v{v}; versions never go down.")
    return problems


@dataclass
class SnapshotReport:
    """What ``write_snapshots`` did: files written for new versions, rewritten as compatible, or refused."""

    written: list[Path] = field(default_factory=list)
    accepted: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def write_snapshots(
    registry: EventRegistry,
    directory: Path = SCHEMA_DIR,
    *,
    accept_compatible: str | None = None,
    today: date | None = None,
) -> SnapshotReport:
    """Write the snapshot of every version that has none; rewrite drifted ones only with a compatibility reason."""
    reason = (accept_compatible or "").strip()
    if accept_compatible is not None and not reason:
        raise ValueError("--accept-compatible needs a reason: say why every reader still accepts the events")
    directory.mkdir(parents=True, exist_ok=True)
    report = SnapshotReport()
    log: list[str] = []
    day = (today or date.today()).isoformat()
    for model in registry.events():
        path = snapshot_path(directory, model.event_type, model.event_version)
        text = render(schema_of(model))
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            report.written.append(path)
        elif path.read_text(encoding="utf-8") != text:
            if not reason:
                report.refused.append(drift_message(model))
                continue
            path.write_text(text, encoding="utf-8")
            report.accepted.append(path)
            log.append(f"- {day} `{model.event_type}` v{model.event_version}: {' '.join(reason.split())}\n")
    if log:
        changes = directory / CHANGES_FILE
        existing = changes.read_text(encoding="utf-8") if changes.exists() else _CHANGES_HEADER
        changes.write_text(existing + "".join(log), encoding="utf-8")
    return report
