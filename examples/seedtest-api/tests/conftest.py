"""Shared fixtures: one SQLAlchemy engine on DATABASE_URL (psycopg2)."""
import os

import pytest
from sqlalchemy import create_engine


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set", returncode=4)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


@pytest.fixture(scope="session")
def engine():
    engine = create_engine(database_url())
    yield engine
    engine.dispose()
