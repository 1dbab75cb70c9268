"""customers and invoices, with deterministic demo data

Revision ID: 0001_customers_and_invoices
Revises:
"""
from alembic import op

revision = "0001_customers_and_invoices"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE customer (
            id bigint PRIMARY KEY,
            name text NOT NULL
        );
        CREATE TABLE invoice (
            id bigint PRIMARY KEY,
            customer_id bigint NOT NULL REFERENCES customer (id),
            number integer NOT NULL,
            amount numeric(14, 2) NOT NULL,
            issued_at timestamp with time zone NOT NULL,
            UNIQUE (customer_id, number)
        );
        INSERT INTO customer (id, name)
        SELECT n, 'Customer ' || n FROM generate_series(1, 12) AS n;
        INSERT INTO invoice (id, customer_id, number, amount, issued_at)
        SELECT n, 1 + (n - 1) % 12, 1 + (n - 1) / 12, round((10 + (n * 37) % 990)::numeric, 2),
               timestamptz '2026-01-01 00:00:00+00' + n * interval '7 hours'
        FROM generate_series(1, 600) AS n;
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS invoice; DROP TABLE IF EXISTS customer;")
