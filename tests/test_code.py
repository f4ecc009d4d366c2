"""The package's shape, kept by tests: short functions, one module that runs CP-SAT."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from radon.complexity import cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "allocator"
MODULES = sorted(PACKAGE.glob("*.py"))
MAX_COMPLEXITY = 15


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_function_is_too_complex(path):
    too_complex = [(block.name, block.complexity) for block in cc_visit(path.read_text())
                   if block.complexity > MAX_COMPLEXITY]
    assert too_complex == [], f"split these (cyclomatic complexity > {MAX_COMPLEXITY})"


def test_only_the_solver_interface_runs_cp_sat():
    runs_solver = [p.name for p in MODULES if re.search(r"\bCpSolver\b", p.read_text())]
    assert runs_solver == ["solver.py"]
