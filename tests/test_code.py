"""The package's shape, kept by tests: short functions, one module that runs CP-SAT."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from radon.complexity import cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "allocator"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_COMPLEXITY = 15


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_is_too_complex(path):
    too_complex = [(block.name, block.complexity) for block in cc_visit(path.read_text())
                   if block.complexity > MAX_COMPLEXITY]
    assert too_complex == [], f"split these (cyclomatic complexity > {MAX_COMPLEXITY})"


def test_only_the_solver_interface_runs_cp_sat():
    runs_solver = [str(p.relative_to(PACKAGE)) for p in MODULES
                   if re.search(r"\bCpSolver\b", p.read_text())]
    assert runs_solver == ["solving/solver.py"]


def test_the_public_names_all_resolve():
    import allocator

    assert set(allocator.__all__) == set(allocator._EXPORTS)
    for name in allocator.__all__:
        assert getattr(allocator, name).__name__ == name


@pytest.mark.parametrize("args", [["validate", "instances/worcester-2016.yaml"], ["schema"],
                                  ["--help"]])
def test_commands_that_do_not_solve_do_not_load_the_solver(args):
    """OR-Tools is most of the start-up time: validate, schema and --help never import it."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "allocator.cli", *args],
                          capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr[-500:]
    assert "ortools" not in done.stderr
