"""Smoke tests of the invoice_totals view, against DATABASE_URL."""
import os

import psycopg2
import pytest


@pytest.fixture()
def cursor():
    connection = psycopg2.connect(os.environ["DATABASE_URL"])
    try:
        yield connection.cursor()
    finally:
        connection.close()


def test_every_customer_has_a_total(cursor):
    cursor.execute("SELECT count(*) FROM invoice_totals")
    assert cursor.fetchone()[0] == 12


def test_totals_add_up_to_the_invoices(cursor):
    cursor.execute("SELECT (SELECT sum(amount) FROM invoice) = (SELECT sum(total) FROM invoice_totals)")
    assert cursor.fetchone()[0] is True
