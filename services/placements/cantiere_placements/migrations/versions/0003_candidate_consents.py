"""The consent scopes in force for each candidate (the tutor page and the validation queue follow them).

Existing rows start with none: rebuild the views (``python -m cantiere_placements rebuild``) after the
intake has read the consents (rebuild it too: ``rebuild referral_intake_public``).

Revision ID: placements_0003
Revises: placements_0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "placements_0003"
down_revision = "placements_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("placements_candidates") as batch:
        batch.add_column(sa.Column("consents", sa.JSON, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("placements_candidates") as batch:
        batch.drop_column("consents")
