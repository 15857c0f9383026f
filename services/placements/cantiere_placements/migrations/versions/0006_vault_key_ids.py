"""The placements vault records the id of the key that sealed each first name (key rotation).

Rows written before key ids were sealed with the key derived from CANTIERE_VAULT_SECRET: they get the id
``legacy``, which the keyring maps to that key while CANTIERE_VAULT_SECRET is set.

Revision ID: placements_0006
Revises: placements_0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "placements_0006"
down_revision = "placements_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("placements_vault") as batch:
        batch.add_column(sa.Column("key_id", sa.String(32), nullable=False, server_default="legacy"))


def downgrade() -> None:
    with op.batch_alter_table("placements_vault") as batch:
        batch.drop_column("key_id")
