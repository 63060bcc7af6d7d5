"""The project's packages depend one way: common <- accounts <- rooms <- session_rooms, and
nothing that runs in production knows the bench exists."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"common", "accounts", "rooms", "session_rooms", "bench"}
PRODUCTION = ("common", "accounts", "rooms", "session_rooms")


def imports_of(package: str) -> set[str]:
    """The other project packages that `package`'s modules import (typing-only imports too)."""
    found = set()
    modules = list((ROOT / package).rglob("*.py"))
    assert len(modules) > 2, f"no modules read in {package}/"
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found |= {name.split(".")[0] for name in names} & PACKAGES
    return found - {package}


def test_common_imports_neither_app():
    assert imports_of("common") == set()


def test_accounts_does_not_import_rooms():
    assert imports_of("accounts") <= {"common"}


def test_rooms_imports_accounts_and_common_only():
    assert imports_of("rooms") <= {"accounts", "common"}
    assert "common" in imports_of("rooms")  # the graph is read at all


@pytest.mark.parametrize("package", PRODUCTION)
def test_production_code_never_names_the_bench(package):
    assert "bench" not in imports_of(package)
    for path in (ROOT / package).rglob("*.py"):
        assert "bench" not in path.read_text().lower(), path


def test_the_bench_pages_are_not_served(client):
    assert client.get("/bench/bare/").status_code == 404
