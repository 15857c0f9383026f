"""The operator who took each case in (accepted or declined the referral), for the work queues and the digest;
a host's company name and site address, kept by the consortium only (never published on the bus).

Existing rows start empty: rebuild the views (``python -m cantiere_placements rebuild``) to fill them.

Revision ID: placements_0005
Revises: placements_0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "placements_0005"
down_revision = "placements_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("placements_candidates") as batch:
        batch.add_column(sa.Column("operator", sa.String(64)))
    with op.batch_alter_table("placements_placements") as batch:
        batch.add_column(sa.Column("operator", sa.String(64)))
    with op.batch_alter_table("placements_hosts") as batch:
        batch.add_column(sa.Column("company_name", sa.String(200)))
        batch.add_column(sa.Column("site_address", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("placements_hosts") as batch:
        batch.drop_column("site_address")
        batch.drop_column("company_name")
    with op.batch_alter_table("placements_placements") as batch:
        batch.drop_column("operator")
    with op.batch_alter_table("placements_candidates") as batch:
        batch.drop_column("operator")
