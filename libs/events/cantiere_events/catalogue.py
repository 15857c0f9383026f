"""The ``cantiere-events`` command: the event catalogue as Markdown, and the JSON Schema snapshots.

cantiere-events catalogue                  print the catalogue table
cantiere-events catalogue --check FILE     exit 1 if FILE's catalogue block is out of date
cantiere-events catalogue --write FILE     rewrite FILE's catalogue block
cantiere-events schemas                    write snapshots of new event versions
cantiere-events schemas --check            exit 1 if a snapshot is missing or differs
cantiere-events schemas --accept-compatible REASON   rewrite drifted snapshots, logging why
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cantiere_events.base import Producer
from cantiere_events.contract import PUBLIC
from cantiere_events.registry import EventRegistry
from cantiere_events.snapshots import SCHEMA_DIR, check_snapshots, write_snapshots

START = "<!-- catalogue:start -->"
END = "<!-- catalogue:end -->"


def catalogue_markdown(registry: EventRegistry | None = None) -> str:
    """The catalogue as a Markdown table, by producer (in process order) then registration (phase) order."""
    registry = PUBLIC if registry is None else registry
    producers = list(Producer)
    models = sorted(registry.events(), key=lambda m: producers.index(m.producer) if m.producer else len(producers))
    lines = ["| type | version | producer | audience | description |", "|---|---|---|---|---|"]
    for m in models:
        description = m.description().replace("|", "\\|")
        producer = m.producer.value if m.producer else ""
        lines.append(f"| `{m.event_type}` | {m.event_version} | {producer} | {m.audience.value} | {description} |")
    return "\n".join(lines) + "\n"


class MissingBlock(ValueError):
    """A file without the catalogue markers."""


def replace_block(text: str, table: str) -> str:
    """``text`` with the part between the catalogue markers replaced by ``table``."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise MissingBlock(f"no block between {START} and {END}: add both markers where the catalogue goes")
    return text[: start + len(START)] + "\n" + table + text[end:]


def check_file(path: Path, registry: EventRegistry | None = None) -> str | None:
    """Why ``path``'s catalogue block is out of date, or None when it is current."""
    try:
        text = path.read_text(encoding="utf-8")
        current = replace_block(text, catalogue_markdown(registry))
    except (OSError, MissingBlock) as exc:
        return f"{path}: {exc}"
    if current != text:
        return f"{path}: the event catalogue is out of date; run `cantiere-events catalogue --write {path}`"
    return None


def _catalogue(args: argparse.Namespace) -> int:
    if args.check:
        problem = check_file(args.check)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        print(f"{args.check}: the event catalogue is up to date")
        return 0
    if args.write:
        try:
            text = args.write.read_text(encoding="utf-8")
            args.write.write_text(replace_block(text, catalogue_markdown()), encoding="utf-8")
        except (OSError, MissingBlock) as exc:
            print(f"{args.write}: {exc}", file=sys.stderr)
            return 1
        print(f"{args.write}: event catalogue written")
        return 0
    print(catalogue_markdown(), end="")
    return 0


def _schemas(args: argparse.Namespace) -> int:
    if args.check:
        problems = check_snapshots(PUBLIC, args.dir) + [
            f"{t} v{v + 1} has no upcaster from v{v}" for t, v in PUBLIC.missing_upcasters()
        ]
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    try:
        report = write_snapshots(PUBLIC, args.dir, accept_compatible=args.accept_compatible)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in report.written:
        print(f"written {path.name}")
    for path in report.accepted:
        print(f"rewritten as compatible {path.name}")
    for problem in report.refused:
        print(problem, file=sys.stderr)
    if args.accept_compatible is not None and not report.accepted:
        print("no snapshot differed: nothing to accept")
    return 1 if report.refused else 0


def parser() -> argparse.ArgumentParser:
    """The command-line parser of ``cantiere-events``."""
    p = argparse.ArgumentParser(prog="cantiere-events", description="Cantiere's public event contract.")
    sub = p.add_subparsers(dest="command", required=True)
    cat = sub.add_parser("catalogue", help="the event catalogue as a Markdown table")
    mode = cat.add_mutually_exclusive_group()
    mode.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE's catalogue block is out of date")
    mode.add_argument("--write", type=Path, metavar="FILE", help="rewrite FILE's catalogue block")
    cat.set_defaults(run=_catalogue)
    sch = sub.add_parser("schemas", help="write the JSON Schema snapshots of new event versions")
    opt = sch.add_mutually_exclusive_group()
    opt.add_argument("--accept-compatible", metavar="REASON", help="rewrite drifted snapshots, logging REASON")
    opt.add_argument("--check", action="store_true", help="exit 1 if a snapshot is missing or differs")
    sch.add_argument("--dir", type=Path, default=SCHEMA_DIR, help=argparse.SUPPRESS)
    sch.set_defaults(run=_schemas)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cantiere-events`` command; returns the exit status."""
    args = parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
