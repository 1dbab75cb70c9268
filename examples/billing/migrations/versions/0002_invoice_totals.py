"""the invoice_totals view: one row per customer

Revision ID: 0002_invoice_totals
Revises: 0001_customers_and_invoices
"""
from alembic import op

revision = "0002_invoice_totals"
down_revision = "0001_customers_and_invoices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE VIEW invoice_totals AS
        SELECT c.id AS customer_id, c.name, count(i.id) AS invoices, sum(i.amount) AS total
        FROM customer c JOIN invoice i ON i.customer_id = c.id
        GROUP BY c.id, c.name
        """
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS invoice_totals")
