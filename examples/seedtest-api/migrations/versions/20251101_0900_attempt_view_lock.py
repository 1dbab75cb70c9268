"""attempt VIEW V1 schema lock

Revision ID: 20251101_0900_attempt_view_lock
Revises: 20251020_1200_base_tables
Create Date: 2025-11-01 09:00:00
"""
from alembic import op

from sql_files import read_sql

revision = "20251101_0900_attempt_view_lock"
down_revision = "20251020_1200_base_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(read_sql("002_attempt_view_v1.sql"))


def downgrade() -> None:
    op.execute(read_sql("002_attempt_view_v1.down.sql"))
