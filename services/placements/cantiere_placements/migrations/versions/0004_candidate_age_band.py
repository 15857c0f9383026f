"""Each candidate's age band and referral day, for the staff's list of candidates waiting for intake.

Existing rows start empty: rebuild the views (``python -m cantiere_placements rebuild``) to fill them.

Revision ID: placements_0004
Revises: placements_0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "placements_0004"
down_revision = "placements_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("placements_candidates") as batch:
        batch.add_column(sa.Column("age_band", sa.String(16)))
        batch.add_column(sa.Column("referred_on", sa.Date))


def downgrade() -> None:
    with op.batch_alter_table("placements_candidates") as batch:
        batch.drop_column("referred_on")
        batch.drop_column("age_band")
