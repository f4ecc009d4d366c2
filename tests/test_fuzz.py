"""Fuzzing the loader and every command: whatever the file holds, a command exits 0, 2, 3 or 4
with its answer or a message (`check` may also say 5: an expectation fails), never a
traceback and never "internal error".

Three sources of input: arbitrary bytes; arbitrary YAML, JSON and TOML structures; and bundled
instances mutated (a value replaced by an extreme or a wrong type, a key deleted or added, an
item repeated). `FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py` runs a long fuzz.
"""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from allocator import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
COMMANDS = [
    ["validate"],
    ["solve", "--limit", "20", "--time-limit", "2", "--format", "json"],
    ["solve", "--level", "coalition", "--limit", "20", "--time-limit", "2"],
    ["explain", "--time-limit", "2"],
    ["check", "--time-limit", "2"],
]


def runs_cleanly(path: Path, commands: list[list[str]] = COMMANDS) -> None:
    for command in commands:
        result = CliRunner().invoke(cli.main, [command[0], str(path), *command[1:]])
        said = result.stdout + result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), said
        allowed = (0, 2, 3, 4, 5) if command[0] == "check" else (0, 2, 3, 4)  # 5: a FAIL
        assert result.exit_code in allowed, (command, result.exit_code, said)
        assert "Traceback" not in said and "internal error" not in said, said
        if result.exit_code == 2:
            assert result.stderr.strip(), "a refusal says why"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@SETTINGS
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".yaml", ".json", ".toml"]))
def test_arbitrary_bytes(tmp_path_factory, content, suffix):
    runs_cleanly(write(tmp_path_factory.mktemp("bytes"), f"f{suffix}", content),
                 COMMANDS[:2])


SCALARS = (st.none() | st.booleans() | st.integers(-10**25, 10**25)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
           | st.sampled_from(["a", "b", "leader", "cabinet", "majority", "2016-13-45"]))
KEYS = st.sampled_from(["name", "parties", "cabinet", "size", "seats", "id", "demands", "type",
                        "party", "of", "with", "in", "count", "votes", "posts", "outcome",
                        "scenarios", "majority", "government", "policies"]) | st.text(max_size=8)
TREES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(KEYS, inner, max_size=5), max_leaves=30)


def _no_none(tree: Any) -> Any:
    """TOML has no null."""
    if isinstance(tree, dict):
        return {k: _no_none(v) for k, v in tree.items() if v is not None}
    if isinstance(tree, list):
        return [_no_none(v) for v in tree if v is not None]
    return tree


@SETTINGS
@given(tree=TREES, form=st.sampled_from(["yaml", "json", "toml"]))
def test_arbitrary_structures(tmp_path_factory, tree, form):
    if form == "toml":
        if not isinstance(tree, dict):
            tree = {"name": tree}
        try:
            text = tomli_w.dumps(_no_none(tree))
        except (TypeError, ValueError):
            return
    elif form == "json":
        text = json.dumps(tree)
    else:
        buffer = io.StringIO()
        YAML(typ="safe").dump(tree, buffer)
        text = buffer.getvalue()
    runs_cleanly(write(tmp_path_factory.mktemp("trees"), f"f.{form}", text), COMMANDS[:3])


BASES = [YAML(typ="safe").load((ROOT / "instances" / name).read_text())
         for name in ("worcester-2016.yaml", "uk-2010.yaml", "sweden-2022.yaml")]
EXTREMES = st.sampled_from([0, -1, 1, 10**30, 2**63 - 1, 1e300, 1e-300, True, "5", "",
                            None, [], {}, "x" * 500, float("nan"), 0.5, "2016-13-45"])


def _paths(tree: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found += _paths(value, (*prefix, i))
    return found


@st.composite
def mutated(draw: Any) -> dict:
    tree = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(tree)))
        parent = tree
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "repeat", "add"]))
        last = path[-1]
        if action == "replace":
            parent[last] = draw(EXTREMES)
        elif action == "delete":
            del parent[last]
        elif action == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif action == "add" and isinstance(parent, dict):
            parent[draw(KEYS)] = draw(EXTREMES)
    return tree


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(tree=mutated(), form=st.sampled_from(["yaml", "json"]))
def test_mutated_instances(tmp_path_factory, tree, form):
    if form == "json":
        text = json.dumps(tree, default=str)
    else:
        buffer = io.StringIO()
        YAML(typ="safe").dump(tree, buffer)
        text = buffer.getvalue()
    runs_cleanly(write(tmp_path_factory.mktemp("mutants"), f"f.{form}", text))
