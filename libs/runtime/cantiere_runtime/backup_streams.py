"""Back up JetStream streams to files and restore them into empty streams, message for message.

A stream's backup is one JSON-lines file ``<STREAM>.jsonl``: a first line with the stream's configuration and
state, then one line per message (stream sequence, subject, headers, base64 payload, original time). What
the stream held when the backup started is written; later messages belong to the next backup.

A restore creates the stream (it must not exist, or be empty) with the original first sequence and
publishes every message with its subject and headers (``Nats-Msg-Id`` included), so each message gets its
original stream sequence again: the projections' checkpoints of restored service databases stay right.
A sequence the original no longer held (a deleted message) is recreated as a gap: a placeholder is
published and deleted. ``Nats-Expected-*`` headers (conditions of the original publish) are not replayed.
Sources are not restored: run ``cantiere streams`` afterwards, as at every deployment, to declare them.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

FORMAT = "cantiere-stream-backup/1"
FETCH = 500
GAP_SUBJECT_TOKEN = "backup-gap"  # noqa: S105 - a subject token, not a secret


class StreamBackupError(RuntimeError):
    """A stream backup that cannot be restored as it was (target not empty, sequence mismatch, bad file)."""


@dataclass(frozen=True)
class StreamCopy:
    """What one stream backup or restore handled."""

    stream: str
    messages: int
    first_seq: int
    last_seq: int


def _header_line(info: Any) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "stream": info.config.name,
        "config": info.config.as_dict(),
        "first_seq": info.state.first_seq,
        "last_seq": info.state.last_seq,
        "messages": info.state.messages,
    }


async def backup_stream(
    js: JetStreamContext, stream: str, directory: Path, progress: Callable[[int, int], None] = lambda d, t: None
) -> StreamCopy:
    """Write every message the stream holds now to ``<directory>/<stream>.jsonl`` (atomically)."""
    info = await js.stream_info(stream)
    header = _header_line(info)
    total, last = info.state.messages, info.state.last_seq
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before the stream is read
    target = directory / f"{stream}.jsonl"
    partial = target.with_name(target.name + ".partial")
    written = 0
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        if total:
            async for msg in _every_message(js, stream, last):
                out.write(json.dumps(_message_line(msg)) + "\n")
                written += 1
                if written % FETCH == 0:
                    progress(written, total)
    progress(written, total)
    partial.replace(target)
    return StreamCopy(stream, written, header["first_seq"], last)


async def _every_message(js: JetStreamContext, stream: str, last: int) -> Any:
    """The stream's messages in order up to sequence ``last``, through a short-lived consumer of our own."""
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE,
        deliver_policy=DeliverPolicy.ALL,
        inactive_threshold=60.0,
        mem_storage=True,
    )
    consumer = await js.add_consumer(stream, config)
    sub = await js.pull_subscribe_bind(consumer.name, stream)
    try:
        while True:
            for msg in await sub.fetch(FETCH, timeout=10):
                sequence = msg.metadata.sequence.stream
                if sequence > last:
                    return
                yield msg
                if sequence == last:
                    return
    finally:
        await sub.unsubscribe()
        try:
            await js.delete_consumer(stream, consumer.name)
        except NotFoundError:
            pass


def _message_line(msg: Any) -> dict[str, Any]:
    return {
        "seq": msg.metadata.sequence.stream,
        "subject": msg.subject,
        "headers": dict(msg.headers or {}),
        "data": base64.b64encode(msg.data).decode(),
        "time": msg.metadata.timestamp.isoformat() if msg.metadata.timestamp else None,
    }


def _read(path: Path) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    lines = path.open(encoding="utf-8")
    header = json.loads(next(lines, "{}"))
    if header.get("format") != FORMAT:
        lines.close()
        raise StreamBackupError(f"{path.name} is not a Cantiere stream backup ({FORMAT})")

    def messages() -> Iterator[dict[str, Any]]:
        with lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)

    return header, messages()


def _gap_subject(config: StreamConfig) -> str:
    subject = (config.subjects or [""])[0]
    tokens = [GAP_SUBJECT_TOKEN if t in ("*", ">") else t for t in subject.split(".")]
    return ".".join(tokens) if ">" in subject or "*" in subject else subject


async def restore_stream(
    js: JetStreamContext, path: Path, progress: Callable[[int, int], None] = lambda d, t: None
) -> StreamCopy:
    """Recreate a stream from its backup file into a server where it does not exist or is empty."""
    header, messages = _read(path)
    name = header["stream"]
    config = StreamConfig.from_response(dict(header["config"]))
    config.sources, config.mirror = None, None
    first = max(int(header["first_seq"]), 1)
    try:
        existing = await js.stream_info(name)
        if existing.state.messages or existing.state.last_seq:
            raise StreamBackupError(f"the stream {name} already holds messages: restore only into an empty one")
        await js.delete_stream(name)
    except NotFoundError:
        pass
    config.first_seq = first
    await js.add_stream(config)
    try:
        return await _fill(js, name, _gap_subject(config), header, messages, progress)
    except BaseException:
        await js.delete_stream(name)  # all or nothing: it was absent or empty, so a retry starts clean
        raise


async def _fill(
    js: JetStreamContext,
    name: str,
    gap: str,
    header: dict[str, Any],
    messages: Iterator[dict[str, Any]],
    progress: Callable[[int, int], None],
) -> StreamCopy:
    first = max(int(header["first_seq"]), 1)
    expected, restored, total = first, 0, int(header["messages"])
    pending: list[tuple[int, asyncio.Future[Any]]] = []

    async def settle() -> None:  # pipelined publishes (NATS-NOTES: publish_async), each checked at its sequence
        for sequence, acked in pending:
            ack = await acked
            if ack.duplicate or ack.seq != sequence:
                raise StreamBackupError(
                    f"{name}: message {sequence} was stored as {ack.seq} (duplicate={ack.duplicate})"
                )
        pending.clear()

    async def hole() -> None:  # a message the original no longer held: its sequence stays a hole
        await settle()
        ack = await js.publish(gap, b"")
        await js.delete_msg(name, ack.seq)

    for line in messages:
        while expected < line["seq"]:
            await hole()
            expected += 1
        headers = {k: v for k, v in line["headers"].items() if not k.startswith("Nats-Expected-")}
        acked = await js.publish_async(line["subject"], base64.b64decode(line["data"]), headers=headers or None)
        pending.append((line["seq"], acked))
        expected += 1
        restored += 1
        if len(pending) >= FETCH:
            await settle()
            progress(restored, total)
    await settle()
    while expected <= int(header["last_seq"]):  # deleted messages at the end: the next publish gets the next sequence
        await hole()
        expected += 1
    progress(restored, total)
    if restored != total:
        raise StreamBackupError(f"{name}: the backup file holds {restored} messages, its header says {total}")
    return StreamCopy(name, restored, first, expected - 1)
