"""`allocator check`, `validate` and `schema`: are the files right, and do the recorded outcomes
and expectations still hold?"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import InstanceError, UsageError
from ..instance.loader import instance_files, load
from ..instance.schema import Instance
from . import options
from .running import Clock, run_command


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@options.TIME_LIMIT
def check(paths: tuple[str, ...], time_limit: float | None) -> None:
    """Check recorded outcomes and scenario expectations of instances (a folder: every instance
    in it). Exit 0 only if every expectation holds; 5 if one fails, 2 if a file is invalid, 4
    if the time limit or an interrupt left one undecided."""
    clock = Clock(time_limit)

    def work() -> int:
        from ..explaining.check import checks
        from ..solving.solver import Budget

        files = instance_files(list(paths))
        if not files:
            raise UsageError("check: no instance files found in " + ", ".join(paths))
        budget = Budget(clock.remaining())
        counts = {"PASS": 0, "FAIL": 0, "UNDECIDED": 0, "INVALID": 0}

        def check_one(path: str, instance: Instance) -> None:
            said = 0
            for result in checks(instance, budget):
                said += 1
                verdict = "UNDECIDED" if result.ok is None else "PASS" if result.ok else "FAIL"
                counts[verdict] += 1
                where = path + (f" --scenario {result.scenario}" if result.scenario else "")
                click.echo(f"{verdict} {where}: {result.detail}")
            if not said:
                click.echo(f"SKIP {path}: no outcome and no scenario with an expectation")

        with budget.stopped_by_signals():  # Ctrl-C: every check after it is UNDECIDED
            for path, instance in each_instance(files, "INVALID "):
                if instance is None:
                    counts["INVALID"] += 1
                else:
                    check_one(path, instance)
        return (2 if counts["INVALID"] else 5 if counts["FAIL"] else
                4 if counts["UNDECIDED"] else 0)

    run_command(work)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check instance files and report every problem found."""

    def work() -> int:
        failed = 0
        for path, instance in each_instance(files, ""):
            if instance is None:
                failed += 1
                continue
            click.echo(f"{path}: ok ({_counted(len(instance.parties), 'party', 'parties')}, "
                       f"{_counted(len(instance.demands), 'demand')}, "
                       f"{_counted(len(instance.scenarios), 'scenario')})")
        return 2 if failed else 0

    run_command(work)


def _counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 party`, `3 parties`, `1,200 demands`."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def each_instance(paths: Iterable[str | Path], prefix: str
                  ) -> Iterator[tuple[str, Instance | None]]:
    """Each file loaded, or None after its problems went to stderr (headed by `prefix`)."""
    for path in paths:
        try:
            instance = load(path)
        except InstanceError as exc:
            click.echo(f"{prefix}{exc.show()}", err=True)
            yield str(path), None
        else:
            yield str(path), instance


@click.command()
def schema() -> None:
    """Print the JSON Schema of the instance format (for editors checking YAML files)."""
    document: dict[str, Any] = Instance.model_json_schema(by_alias=True)
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **document,
                "title": "allocator instance"}
    click.echo(json.dumps(document, indent=2, sort_keys=True))
