"""Time-ordered identifiers (UUID version 7, RFC 9562) for events and aggregates."""

from __future__ import annotations

import os
import time
import uuid

# Python 3.14 ships uuid.uuid7; until then these few lines keep the contract free of
# dependencies beyond pydantic, which a partner installing only this package expects.


def uuid7(*, unix_ms: int | None = None) -> uuid.UUID:
    """A new time-ordered UUID (version 7): 48 bits of Unix milliseconds, then randomness."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = int.from_bytes(os.urandom(10), "big")  # 80 random bits, 74 of them used
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


def uuid7_time_ms(value: uuid.UUID) -> int:
    """The Unix milliseconds embedded in a version 7 UUID."""
    return value.int >> 80
