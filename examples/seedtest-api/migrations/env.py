"""Alembic environment for seedtest-api: the database URL comes from DATABASE_URL."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def database_url(required: bool = True) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        if required:
            raise SystemExit("DATABASE_URL is not set: export DATABASE_URL=postgresql://user:password@host/db")
        # Offline (--sql) mode only needs the dialect.
        return "postgresql+psycopg2://"
    # SQLAlchemy 2.1 maps postgresql:// to psycopg 3; this project uses psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def run_migrations_offline() -> None:
    context.configure(url=database_url(required=False), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
