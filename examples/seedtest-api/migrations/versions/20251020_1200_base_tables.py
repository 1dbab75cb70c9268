"""base tables

Revision ID: 20251020_1200_base_tables
Revises:
Create Date: 2025-10-20 12:00:00
"""
from alembic import op

from sql_files import read_sql

revision = "20251020_1200_base_tables"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(read_sql("001_base_tables.sql"))


def downgrade() -> None:
    op.execute("DROP TABLE exam_responses, exam_results, questions, items, students")
