"""The pages' scripts and templates are package files that tools can check: every script
parses (with Node, where it is installed), every template compiles."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "allocator"
SCRIPTS = sorted(PACKAGE.rglob("static/*.js"))
TEMPLATES = sorted(PACKAGE.rglob("templates/*.j2"))
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (apt-get install nodejs)")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_parses(script):
    done = subprocess.run([NODE, "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_template_compiles(template):
    from allocator.render.pages import environment

    package = ".".join(("allocator", template.parent.parent.name))
    environment((package, "allocator.render")).get_template(template.name)


def test_there_are_scripts_and_templates():
    assert {p.name for p in SCRIPTS} >= {"report.js", "room.js"} and len(TEMPLATES) >= 4
