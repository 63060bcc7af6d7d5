"""The project's documents stand on their own: the README opens with the two commands, and every
link in them leads to a file inside the repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", "SECURITY.md", "docs/using.md", "docs/contributing.md"]


def test_the_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[:2] == ["# Session Rooms", ""]
    assert lines[2] == "```sh"
    assert [line.split()[:2] for line in lines[3:5]] == [["make", "run"], ["make", "test"]]
    assert lines[5] == "```"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_link_leads_to_a_file_in_the_repository(document):
    path = ROOT / document
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", path.read_text())
    local = [link for link in links if not link.startswith(("http://", "https://"))]
    for link in local:
        target = (path.parent / link).resolve()
        assert target.is_relative_to(ROOT) and target.exists(), f"{document}: {link}"
    assert "../shared/" not in path.read_text()


def test_the_readme_links_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/using.md)" in readme
    assert "(docs/contributing.md)" in readme
