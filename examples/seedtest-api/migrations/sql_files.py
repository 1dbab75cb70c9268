"""The migrations run the same SQL files as the embedded database (examples/seedtest-api/sql/)."""
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def read_sql(name: str) -> str:
    # op.execute adds its own statement terminator in --sql mode.
    return (SQL_DIR / name).read_text(encoding="utf-8").strip().rstrip(";")
