"""The layout's rules, checked on the source: SQL only in the store, faces only through the
service, imports pointing down, empty package __init__ files, modules of a readable size."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "recall_cli"
FACES = ("cli", "tui", "mcp", "serve")
SQL = re.compile(
    r"\bSELECT\s.+\sFROM\s|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s|\bUPDATE\s+\w+\s+SET\s|\bDELETE\s+FROM\s"
    r"|\bPRAGMA\s+\w+|\bCREATE\s+(?:TABLE|INDEX|TRIGGER|VIRTUAL)\s|\bDROP\s+(?:TABLE|INDEX)\s",
    re.S,
)
RAW_HANDLE = {"_db", "conn", "db"}  # the store's private connection and sqlite's own names
SERVICE_PARTS = {"store", "_store", "_index", "embedder", "_embedder", "_llm", "llm"}
SERVICE_NAMES = {"svc", "service", "s", "self.svc", "self.service", "daemon.service", "backend.service",
                 "self._service", "service()"}


def modules(*under: str) -> list[Path]:
    roots = [PACKAGE / u for u in under] if under else [PACKAGE]
    return sorted(p for root in roots for p in root.rglob("*.py"))


def strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal, f-strings joined with their holes left empty."""
    found = []
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values)
            found.append((node.lineno, text))
    return found


def outside_store() -> list[Path]:
    return [p for p in modules() if "store" not in p.relative_to(PACKAGE).parts[:1]]


def test_sql_text_appears_only_in_the_store():
    offenders = [f"{p.relative_to(PACKAGE)}:{line}: {text[:60]!r}"
                 for p in outside_store() for line, text in strings(ast.parse(p.read_text()))
                 if SQL.search(text)]
    assert offenders == []


def test_the_raw_connection_is_used_only_in_the_store():
    offenders = []
    for path in outside_store():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in RAW_HANDLE:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] in {"sqlite3", "sqlite_utils"} for n in names):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: imports {names}")
    assert offenders == []


def test_the_checks_catch_what_they_are_for():
    caught = ast.parse('db.execute("SELECT id FROM events WHERE x = ?")\nstore._db.execute(f"DELETE FROM {t}")')
    assert [SQL.search(t) is not None for _, t in strings(caught)] == [True, True]
    prose = ast.parse('"ADD / UPDATE / SUPERSEDE / NOOP: select what to do from the list"')
    assert not any(SQL.search(t) for _, t in strings(prose))


def test_faces_reach_the_store_and_models_only_through_the_service():
    offenders = []
    for path in modules(*FACES):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute):
                continue
            if node.attr in SERVICE_PARTS | {"memories", "index"} and ast.unparse(node.value) in SERVICE_NAMES:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Absolute names of the project modules ``path`` imports (relative imports resolved)."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            if name.startswith("recall_cli"):
                found.append((node.lineno, name))
    return found


@pytest.mark.parametrize("layer", ["store", "search", "memory", "llm", "capture", "importers", "plugins"])
def test_lower_layers_never_import_a_face(layer):
    faces = tuple(f"recall_cli.{f}" for f in (*FACES, "render"))
    offenders = [f"{p.relative_to(PACKAGE)}:{line}: {name}" for p in modules(layer)
                 for line, name in imported_modules(p) if name.startswith(faces)]
    assert offenders == []


def test_package_init_files_hold_no_code():
    """Importing a package runs nothing, so the hook's record path and the search fast path
    import only what they name."""
    def code(path: Path) -> list[ast.stmt]:
        body = ast.parse(path.read_text()).body
        return body[1:] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            else body

    assert [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE and code(p)] == []


def test_the_top_level_keeps_to_the_base_and_the_service():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_modules_stay_readable():
    assert [f"{p.relative_to(PACKAGE)} ({n} lines)" for p in modules()
            if (n := len(p.read_text().splitlines())) > 620] == []


def test_no_module_names_a_constant_twice():
    # a second "CLAUSE_END = ..." further down a module silently replaced the first for every
    # function above it too (functions read module names when they run)
    twice = []
    for path in modules():
        seen: set[str] = set()
        for node in ast.parse(path.read_text()).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) and node.value is not None else []
            for name in (t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()):
                if name in seen:
                    twice.append(f"{path.relative_to(PACKAGE)}: {name}")
                seen.add(name)
    assert twice == []
