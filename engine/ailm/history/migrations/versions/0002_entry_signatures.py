"""Each entry carries its own signature: who vouched for it, entry by entry, not only for the head.

An entry recorded before this revision has none ("" and ""): with a key given, ``history verify`` names it as
an entry no trusted key signed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ailm_history_entries") as batch:
        batch.add_column(sa.Column("signer", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("signature", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("ailm_history_entries") as batch:
        batch.drop_column("signature")
        batch.drop_column("signer")
