"""The examples in the docs run: the package docstring's doctest and the README's library
example, from the repository root (their paths are relative to it)."""

from __future__ import annotations

import doctest
import re

import allocator
from tests.helpers import ROOT


def test_package_docstring(monkeypatch):
    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testmod(allocator, verbose=False)
    assert tried >= 3 and failures == 0


def test_readme_library_example(monkeypatch):
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Library\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    exec(compile(block.group(1), "README.md", "exec"), {})


def test_the_format_documents_every_demand_type():
    from allocator.instance.demands import DEMAND_TYPES

    text = (ROOT / "docs" / "format.md").read_text()
    assert [t for t in DEMAND_TYPES if f"`{t}`" not in text] == []


def test_no_link_leaves_the_repository():
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
                 *(ROOT / "instances").glob("*.yaml")]:
        text = path.read_text()
        assert "../" + "shared" not in text, path  # (spelt apart: this file is checked too)
        for target in re.findall(r"\]\(([^)#]+)", text):
            if not target.startswith("http"):
                assert (path.parent / target).exists(), (path, target)
