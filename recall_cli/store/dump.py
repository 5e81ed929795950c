"""Write schema/recall.sql: the full schema the migrations produce (`make schema`)."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlite_utils import Database

from .migrations import apply_migrations, schema_sql


def current_schema() -> str:
    """The schema dump of a blank database after every migration."""
    db = Database(memory=True)
    apply_migrations(db)
    return schema_sql(db)


def main(argv: list[str] | None = None) -> int:
    """Write the canonical schema to the file named in ``argv`` (default: stdout)."""
    args = sys.argv[1:] if argv is None else argv
    text = current_schema()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
