"""Reads DATABASE_URL (psycopg2) and logs alembic's steps to stderr, as most projects do.

Every migration runs with a lock_timeout: a DDL statement that waits for its lock gives up after
5 s instead of queueing every reader and writer of the table behind it. Set here, it is also in
the SQL `alembic upgrade A:B --sql` prints, which the checklist's forward-sql check judges."""
import logging
import os

from alembic import context
from sqlalchemy import create_engine, pool

logging.basicConfig(format="%(levelname)-5.5s [%(name)s] %(message)s", level=logging.WARNING)
logging.getLogger("alembic").setLevel(logging.INFO)


def url() -> str:
    value = os.environ.get("DATABASE_URL", "postgresql+psycopg2://")
    for scheme in ("postgresql://", "postgres://"):
        if value.startswith(scheme):
            return "postgresql+psycopg2://" + value[len(scheme):]
    return value


if context.is_offline_mode():
    context.configure(url=url(), literal_binds=True)
    with context.begin_transaction():
        context.execute("SET LOCAL lock_timeout = '5s'")
        context.run_migrations()
else:
    with create_engine(url(), poolclass=pool.NullPool).connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.execute("SET LOCAL lock_timeout = '5s'")
            context.run_migrations()
