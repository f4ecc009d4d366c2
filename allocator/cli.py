"""The `allocator` command (SPEC §5): the last step of the pipeline, and the only one that exits.

Exit status: 0 allocations found, 3 deadlock proven, 4 limit reached without an answer,
2 bad input or usage, 1 internal error; `check` exits 5 when an expectation fails. Errors show
themselves (`errors.AllocatorError.show`); commands never format one.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from . import render
from .errors import AllocatorError, InstanceError, UsageError
from .loader import load
from .model import Instance
from .output import Sink
from .result import DEFAULT_MAX_RELAXATIONS, Allocation, Coalition, Level, Result
from .transform import CoalitionQuestion, resolve

# The commands that solve import the solving modules (and with them OR-Tools, most of the
# start-up time) when they run: `validate`, `schema` and `--help` never need them.

EXIT = {"feasible": 0, "deadlock": 3, "unknown": 4}
LEVELS: dict[str, Level] = {"allocation": "allocation", "coalition": "coalition"}


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


class Progress:
    """A counter on stderr, redrawn at most twice a second, only when stderr is a terminal."""

    def __init__(self, noun: str) -> None:
        self.enabled = sys.stderr.isatty()
        self.noun = noun
        self.count = 0
        self.started = self.shown = time.monotonic()

    def tick(self) -> None:
        self.count += 1
        if self.enabled and self.count % 256 == 0:
            now = time.monotonic()
            if now - self.shown > 0.5:
                self.shown = now
                sys.stderr.write(f"\r{self.count:,} {self.noun}s found "
                                 f"({now - self.started:.1f} s)")
                sys.stderr.flush()

    def phase(self, name: str) -> None:
        """A phase of the work has started (the explanation's steps, say)."""
        if self.enabled:
            self.shown = 0.0
            sys.stderr.write(f"\r\033[K{name} ({time.monotonic() - self.started:.1f} s)")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self.shown != self.started:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="allocator")
def main() -> None:
    """Who can govern a hung council or parliament: every feasible cabinet allocation, or a
    proof that none exists."""
    gc.disable()  # a short run building acyclic results: collection only rescans them
    # SIGTERM (what `timeout` and job schedulers send) stops a run as Ctrl-C does: what was
    # found is still reported, marked incomplete, and no temporary file is left behind
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.default_int_handler)


def _guard(run: Callable[[], int]) -> NoReturn:
    """User mistakes show themselves with their exit status; anything unexpected is an internal
    error (exit 1), never a bare traceback."""
    try:
        code = run()
    except AllocatorError as exc:
        _fail(exc.show(), exc.exit_code)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # an internal error: say so plainly, details on request
        if os.environ.get("ALLOCATOR_DEBUG"):
            traceback.print_exc()
        _fail(f"internal error: {type(exc).__name__}: {exc}\n"
              "(set ALLOCATOR_DEBUG=1 to see the traceback; please report it)", 1)
    sys.exit(code)


MAX_SECONDS = 10**7


def _seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A time limit is a finite number of seconds (click lets `nan` and `inf` through)."""
    if value is not None and not (0 < value <= MAX_SECONDS):
        raise click.BadParameter(f"give a number of seconds above 0 and at most {MAX_SECONDS:,}"
                                 f", got {value}", ctx, param)
    return value
TIME_LIMIT = click.option(
    "--time-limit", type=float, callback=_seconds, metavar="S",
    help="Stop after S seconds (every phase counts) and report what was found, marked "
         "incomplete.")
MAX_RELAXATIONS = click.option(
    "--max-relaxations", type=click.IntRange(min=1), default=DEFAULT_MAX_RELAXATIONS,
    show_default=True, metavar="N", help="List at most N minimum relaxations of a deadlock.")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", metavar="NAME", help="Solve the named scenario of the instance.")
@click.option("--level", type=click.Choice(list(LEVELS)), default="allocation",
              show_default=True, help="List allocations, or each (cabinet, support) once.")
@click.option("--format", "fmt", type=click.Choice(render.FORMATS), default="table",
              show_default=True,
              help="table for people; json one document; jsonl one line per allocation as "
                   "found, then a summary line; csv one flat row per allocation.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Stop after N allocations (or coalitions).")
@TIME_LIMIT
@click.option("--out", metavar="PATH",
              help="Write to PATH, whole or not at all (- for standard output).")
@MAX_RELAXATIONS
def solve(file: str, scenario: str | None, level: str, fmt: str, limit: int | None,
          time_limit: float | None, out: str | None, max_relaxations: int) -> None:
    """Every feasible allocation of FILE, or a proof of deadlock."""

    def run() -> int:
        from . import api

        instance = load(file)
        # the scenario resolved first: an unknown name fails before any output, and the JSON
        # lines streamed below know whether anyone can abstain
        investiture = resolve(instance, scenario).government.investiture
        sink = Sink(out)
        progress = Progress(level)

        def found(item: Allocation | Coalition) -> None:
            progress.tick()
            if fmt == "jsonl":
                sink.write(render.jsonl_line(item, investiture))
                if out is None:
                    sink.flush()

        try:
            result = api.solve(instance, scenario, level=LEVELS[level], limit=limit,
                               time_limit=time_limit, on_found=found,
                               max_relaxations=max_relaxations, on_phase=progress.phase)
            progress.done()
            for chunk in _render(result, fmt):
                sink.write(chunk)
        except BaseException:
            progress.done()
            sink.close(keep=False)
            raise
        sink.close()
        if fmt == "csv" and result.deadlock is not None:  # a CSV has no place for it
            click.echo(render.to_table(result), err=True, nl=False)
        elif not result.complete and result.status != "deadlock":
            click.echo(render.status_line(result), err=True)
        return EXIT[result.status]

    _guard(run)


def _render(result: Result, fmt: str) -> Iterator[str]:
    if fmt == "json":
        yield from render.json_chunks(result)
    elif fmt == "jsonl":
        yield render.jsonl_summary(result)  # the items were streamed as they were found
    elif fmt == "csv":
        yield render.to_csv(result)
    else:
        yield render.to_table(result)


def _question(ctx: click.Context, param: click.Parameter,
              value: str | None) -> CoalitionQuestion | None:
    """`--why-not`: `lab,green` (that cabinet, any support), `lab+green` (a Labour cabinet
    supported by exactly the Greens), `lab+` (no supporters), `lab,con+green+ld` (both)."""
    if value is None:
        return None
    cabinet_part, plus, support_part = value.partition("+")
    cabinet = cabinet_part.split(",")
    support = support_part.replace("+", ",").split(",") if support_part else []
    if any(not p.strip() for p in [*cabinet, *support]):
        raise click.BadParameter(f"{value!r} has an empty party name; write e.g. lab,green "
                                 "or lab+green", ctx, param)
    return CoalitionQuestion(tuple(p.strip() for p in cabinet),
                             tuple(p.strip() for p in support) if plus else None)


@main.command("explain")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", metavar="NAME", help="Explain the named scenario of the instance.")
@click.option("--why-not", "question", callback=_question, metavar="PARTY,PARTY[+SUPPORTER...]",
              help="Why a coalition has no allocation: lab,green (that cabinet, any support) "
                   "or lab+green (Labour cabinet, Greens supporting).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people, json for programs.")
@MAX_RELAXATIONS
@TIME_LIMIT
def explain_command(file: str, scenario: str | None, question: CoalitionQuestion | None,
                    fmt: str, max_relaxations: int, time_limit: float | None) -> None:
    """Why FILE is deadlocked (or which of its demands bind), or why not a coalition."""

    def run() -> int:
        from . import api

        progress = Progress("step")
        try:
            answer = api.explain(load(file), scenario, why_not=question,
                             max_relaxations=max_relaxations, time_limit=time_limit,
                             on_phase=progress.phase)
        finally:
            progress.done()
        if fmt == "json":
            click.echo(json.dumps(render.explanation_dict(answer), ensure_ascii=False))
        else:
            click.echo(render.explanation_table(answer), nl=False)
        return EXIT[answer.status]

    _guard(run)


@main.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@TIME_LIMIT
def check_command(paths: tuple[str, ...], time_limit: float | None) -> None:
    """Check recorded outcomes and scenario expectations of instances (a folder: every instance
    in it). Exit 0 only if every expectation holds; 5 if one fails, 2 if a file is invalid, 4
    if the time limit or an interrupt left one undecided."""

    def run() -> int:
        from .check import checks, instance_files
        from .solver import Budget

        files = instance_files(list(paths))
        if not files:
            raise UsageError("check: no instance files found in " + ", ".join(paths))
        budget = Budget(time_limit)
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
            for path, instance in _each_instance(files, "INVALID "):
                if instance is None:
                    counts["INVALID"] += 1
                else:
                    check_one(path, instance)
        return (2 if counts["INVALID"] else 5 if counts["FAIL"] else
                4 if counts["UNDECIDED"] else 0)

    _guard(run)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check instance files and report every problem found."""
    failed = 0
    for path, instance in _each_instance(files, ""):
        if instance is None:
            failed += 1
            continue
        click.echo(f"{path}: ok ({len(instance.parties)} parties, {len(instance.demands)} "
                   f"demands, {len(instance.scenarios)} scenarios)")
    sys.exit(2 if failed else 0)


def _each_instance(paths: Iterable[str | Path], prefix: str
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


@main.command()
def schema() -> None:
    """Print the JSON Schema of the instance format (for editors checking YAML files)."""
    document: dict[str, Any] = Instance.model_json_schema(by_alias=True)
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **document,
                "title": "allocator instance"}
    click.echo(json.dumps(document, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
