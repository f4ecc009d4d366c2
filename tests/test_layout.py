"""The house's rules, kept by tests: imports flow one way between the subpackages (each
package's docstring says what it may import), no module is long, and nothing changes the
process when it is imported."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "allocator"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: what each part of the package may import from the others (its own modules aside). A name
#: with a dot is one module of a part; imports under `if TYPE_CHECKING:` are for type checkers
#: only and are not counted.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "extras": {"errors"},
    "files": {"errors"},
    "instance": {"errors", "files"},
    "solving": {"errors", "instance"},
    "likely": {"errors", "files", "instance", "solving"},
    "explaining": {"errors", "instance", "solving", "likely"},
    "api": {"errors", "instance", "solving", "explaining", "likely"},
    "briefing": {"errors", "instance", "solving", "explaining", "api", "likely"},
    "render": {"errors", "files", "extras", "instance", "solving.result", "sweep.document"},
    "sweep": {"errors", "files", "extras", "instance", "solving", "likely"},
    "record": {"errors", "files", "extras", "instance", "solving", "likely", "sweep.engines",
               "render.text"},
    "web": {"errors", "files", "extras", "instance", "solving", "explaining", "likely", "api",
            "briefing", "render"},
    "cli": {"errors", "files", "extras", "instance", "solving", "explaining", "likely", "api",
            "briefing", "render", "sweep", "record", "web"},
    "__init__": {"errors", "instance", "solving", "api"},
}
MAX_LINES = 500


def part_of(module: str) -> str:
    """`allocator.solving.encoding` -> `solving`; `allocator.api` -> `api`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    """The allocator modules a module imports at run time (relative imports resolved)."""
    name = ".".join(("allocator", *path.relative_to(PACKAGE).with_suffix("").parts))
    if name.endswith(".__init__"):
        name = name[:-len(".__init__")] + ".__init__"
    package = name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text())
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and ast.unparse(block.test) == "TYPE_CHECKING"
                   for node in ast.walk(block)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            found |= {t for t in targets if t.startswith("allocator")}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("allocator")}
    return found


def allowed(importer: str, imported: str) -> bool:
    mine, theirs = part_of(importer), part_of(imported)
    if mine == theirs or imported == "allocator":
        return True
    dotted = ".".join(imported.split(".")[1:3])
    return theirs in ALLOWED[mine] or dotted in ALLOWED[mine]


def module_name(path: Path) -> str:
    return ".".join(("allocator", *path.relative_to(PACKAGE).with_suffix("").parts))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_one_way(path):
    name = module_name(path)
    wrong = sorted(i for i in imports(path) if not allowed(name, i))
    assert wrong == [], f"{part_of(name)} may import only {sorted(ALLOWED[part_of(name)])}"


def test_the_boundary_test_sees_a_wrong_import(tmp_path):
    """The rule holds for a module that breaks it (a renderer importing the solver)."""
    broken = PACKAGE / "render" / "text.py"
    found = imports(broken) | {"allocator.solving.solver"}
    assert not all(allowed("allocator.render.text", i) for i in found)


@pytest.mark.parametrize("package", sorted(p.parent for p in PACKAGE.glob("*/__init__.py")),
                         ids=lambda p: p.name)
def test_each_subpackage_says_what_it_is_and_may_import(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    assert "May import" in doc, package.name
    assert package.name in ALLOWED


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_long(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES


def test_importing_the_package_changes_nothing_in_the_process():
    """No clock, GC switch, signal handler or umask is set by importing any module (the
    command line sets what it needs while a command runs, and puts it back)."""
    code = """
import gc, os, signal, sys, importlib, pkgutil, time
import allocator
before = (gc.isenabled(), signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT),
          os.umask(0o022))
os.umask(before[3])
for module in pkgutil.walk_packages(allocator.__path__, "allocator."):
    if module.name.endswith("__main__"):
        continue
    importlib.import_module(module.name)
after = (gc.isenabled(), signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT),
         os.umask(0o022))
print(before == after)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PACKAGE.parent)
    assert done.stdout.strip() == "True", done.stderr[-2000:]
