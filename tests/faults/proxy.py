"""A TCP proxy on a loopback port that a test can cut and restore: a network link going down and up."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from cantiere_runtime.nats_server import free_port


@dataclass
class Link:
    """Forwards 127.0.0.1:<port> to a target port; ``cut`` closes every connection and refuses new ones."""

    target_port: int
    port: int = field(default_factory=free_port)
    _server: asyncio.Server | None = field(default=None, init=False)
    _pipes: set[asyncio.Task[None]] = field(default_factory=set, init=False)
    _up: bool = field(default=False, init=False)

    async def restore(self) -> None:
        """Accept and forward connections (again)."""
        self._up = True
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Close the listener and every forwarded connection, as a failed link would; a connection accepted
        just before (still opening its upstream side) is closed too, never forwarded."""
        self._up = False
        if self._server is not None:
            self._server.close()
            self._server = None
        while self._pipes:
            for pipe in list(self._pipes):
                pipe.cancel()
            await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        if not self._up:  # cut while this connection was being opened
            writer.close()
            upstream_writer.close()
            return
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(_pipe(source, sink, (writer, upstream_writer)))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)


async def _pipe(
    source: asyncio.StreamReader, sink: asyncio.StreamWriter, both: tuple[asyncio.StreamWriter, ...]
) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (OSError, asyncio.CancelledError):
        pass
    finally:
        for writer in both:
            with contextlib.suppress(Exception):
                writer.close()
