"""The relay reads unsent outbox rows in position order: a partial index on them replaces the pending index.

Revision ID: runtime_0003
Revises: runtime_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "runtime_0003"
down_revision = "runtime_0002"
branch_labels = None
depends_on = None

UNSENT = sa.text("sent_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_outbox_pending", "outbox")
    op.create_index("ix_outbox_unsent", "outbox", ["position"], postgresql_where=UNSENT, sqlite_where=UNSENT)


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent", "outbox")
    op.create_index("ix_outbox_pending", "outbox", ["sent_at", "position"])
