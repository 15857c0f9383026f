"""The runtime's tables: the event store, the outbox and projection checkpoints."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY.
Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("aggregate_id", String(64), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("aggregate_id", "aggregate_version", name="uq_events_aggregate_version"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("aggregate_id", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("stream_sequence", BigInteger, nullable=True),
    # The relay's reading order: unsent rows by position (a partial index, small once rows are sent).
    Index(
        "ix_outbox_unsent", "position", sqlite_where=text("sent_at IS NULL"), postgresql_where=text("sent_at IS NULL")
    ),
)

checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("projection", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The position a fail-closed projection is stopped at (NULL while it flows): readable by
    # every process on the database, e.g. a report command deciding whether figures may leave.
    Column("blocked_at", BigInteger, nullable=True),
)
