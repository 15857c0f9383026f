"""JetStream streams backed up to files and restored into an empty server: same sequences, subjects, headers,
payloads and Nats-Msg-Id (so the restored stream still refuses a duplicate), holes kept where messages were
deleted, and never restored over a stream that holds messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nats
import pytest
from cantiere_runtime.backup_streams import StreamBackupError, backup_stream, restore_stream
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM

from tests.conftest import NatsUnderTest


async def every_message(url: str, stream: str) -> list[tuple[int, str, dict[str, str], bytes]]:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        state = (await js.stream_info(stream)).state
        found = []
        for seq in range(state.first_seq, state.last_seq + 1):
            try:
                msg = await js.get_msg(stream, seq)
            except nats.js.errors.NotFoundError:
                continue
            found.append((seq, msg.subject, dict(msg.headers or {}), msg.data))
        return found
    finally:
        await nc.close()


async def published(url: str) -> dict[str, Any]:
    """Events on both audiences, with ids, CloudEvents headers and an expected-sequence condition; one deleted."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for n in range(1, 8):
            headers = {"Nats-Msg-Id": f"event-{n}", "ce-type": "ReferralSubmitted", "ce-id": f"event-{n}"}
            await js.publish(f"cantiere.public.referrals.bari.E{n}", json.dumps({"n": n}).encode(), headers=headers)
        conditional = {"Nats-Msg-Id": "event-r1", "Nats-Expected-Last-Subject-Sequence": "0"}
        await js.publish(
            "cantiere.restricted.referrals.bari.KeepApartTokenRegistered", b'{"t": 1}', headers=conditional
        )
        await js.delete_msg(PUBLIC_STREAM.name, 3)  # a hole in the middle
        return {"public": (await js.stream_info(PUBLIC_STREAM.name)).state}
    finally:
        await nc.close()


async def test_streams_restored_into_an_empty_server_hold_the_same_messages_at_the_same_sequences(
    nats_url: str, restartable_nats: NatsUnderTest, tmp_path: Path
) -> None:
    await published(nats_url)
    source = await nats.connect(nats_url)
    target = await nats.connect(restartable_nats.url)
    try:
        progress: list[tuple[int, int]] = []
        for stream in (PUBLIC_STREAM.name, RESTRICTED_STREAM.name):
            copy = await backup_stream(source.jetstream(), stream, tmp_path, lambda d, t: progress.append((d, t)))
            assert copy.messages == {PUBLIC_STREAM.name: 6, RESTRICTED_STREAM.name: 1}[stream]
        assert progress[-1] == (1, 1)
        for stream in (PUBLIC_STREAM.name, RESTRICTED_STREAM.name):
            await restore_stream(target.jetstream(), tmp_path / f"{stream}.jsonl")
        for stream in (PUBLIC_STREAM.name, RESTRICTED_STREAM.name):
            before, after = await every_message(nats_url, stream), await every_message(restartable_nats.url, stream)
            unconditional = [
                (s, subj, {k: v for k, v in h.items() if "Expected" not in k}, d) for s, subj, h, d in before
            ]
            assert after == unconditional  # publish conditions are not replayed, everything else is
        assert [seq for seq, *_ in await every_message(restartable_nats.url, PUBLIC_STREAM.name)] == [1, 2, 4, 5, 6, 7]
        js = target.jetstream()
        again = await js.publish("cantiere.public.referrals.bari.E2", b"{}", headers={"Nats-Msg-Id": "event-2"})
        assert again.duplicate  # the relay's retry of an old event is still recognised
        fresh = await js.publish("cantiere.public.referrals.bari.E8", b"{}", headers={"Nats-Msg-Id": "event-8"})
        assert fresh.seq == 8  # the next message continues the original numbering
        restored_config = (await js.stream_info(PUBLIC_STREAM.name)).config
        assert (
            restored_config.duplicate_window
            == (await source.jetstream().stream_info(PUBLIC_STREAM.name)).config.duplicate_window
        )
    finally:
        await source.close()
        await target.close()


async def test_a_stream_that_holds_messages_is_never_overwritten(nats_url: str, tmp_path: Path) -> None:
    await published(nats_url)
    nc = await nats.connect(nats_url)
    try:
        await backup_stream(nc.jetstream(), PUBLIC_STREAM.name, tmp_path)
        with pytest.raises(StreamBackupError, match="already holds messages"):
            await restore_stream(nc.jetstream(), tmp_path / f"{PUBLIC_STREAM.name}.jsonl")
    finally:
        await nc.close()
    assert len(await every_message(nats_url, PUBLIC_STREAM.name)) == 6


async def test_a_restore_that_cannot_keep_a_message_leaves_no_partial_stream(
    nats_url: str, restartable_nats: NatsUnderTest, tmp_path: Path
) -> None:
    await published(nats_url)
    async with await nats.connect(nats_url) as source:
        await backup_stream(source.jetstream(), PUBLIC_STREAM.name, tmp_path)
    path = tmp_path / f"{PUBLIC_STREAM.name}.jsonl"
    lines = path.read_text().splitlines()
    second = json.loads(lines[2])
    second["headers"]["Nats-Msg-Id"] = "event-1"  # the server would drop it as a duplicate of the first
    path.write_text("\n".join([*lines[:2], json.dumps(second), *lines[3:]]) + "\n")
    async with await nats.connect(restartable_nats.url) as target:
        with pytest.raises(StreamBackupError, match="message 2"):
            await restore_stream(target.jetstream(), path)
        assert [info.config.name for info in await target.jetstream().streams_info()] == []
