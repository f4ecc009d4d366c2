"""The `allocator` command (SPEC §5): the last step of the pipeline, and the only one that exits.

Exit status: 0 allocations found, 3 deadlock proven, 4 limit reached without an answer,
2 bad input or usage, 1 internal error; `check` exits 5 when an expectation fails. Errors show
themselves (`errors.AllocatorError.show`); commands never format one.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..errors import AllocatorError, InstanceError, UsageError
from ..files import Sink
from ..instance.loader import load
from ..instance.schema import Instance
from ..instance.transform import CoalitionQuestion, Filters, check_question, narrow, resolve
from ..render import text as render
from ..solving.result import DEFAULT_MAX_RELAXATIONS, Allocation, Coalition, Form, Level, Result

if TYPE_CHECKING:
    from ..api import Stream
    from ..sweep.run import SweepProgress, SweepResult

# The commands that solve import the solving modules (and with them OR-Tools, most of the
# start-up time) when they run: `validate`, `schema` and `--help` never need them.

EXIT = {"feasible": 0, "deadlock": 3, "unknown": 4}
#: when the process started (near enough): `solve --time-limit S` counts from here, so that the
#: whole run, start-up and output included, ends within S and a little
STARTED = time.monotonic()
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


#: a table lists at most this many allocations or coalitions; past it, it shows the summary
TABLE_ROWS = 200
FORMS: dict[str, Form] = {"majority": "majority", "minority": "minority"}


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", metavar="NAME", help="Solve the named scenario of the instance.")
@click.option("--level", type=click.Choice(list(LEVELS)), default="allocation",
              show_default=True, help="List allocations, or each (cabinet, support) once.")
@click.option("--format", "fmt", type=click.Choice(render.FORMATS), default="table",
              show_default=True,
              help=f"table for people (past {TABLE_ROWS} rows, the summary); json one "
                   "document; jsonl one line per item, then a summary line; csv one flat row "
                   "per item.")
@click.option("--count", "counting", is_flag=True,
              help="Count the coalitions by number of cabinet parties and form, without "
                   "listing them (table or json).")
@click.option("--summary", "summarising", is_flag=True,
              help="The counts, and per party in how many coalitions it sits in cabinet, "
                   "supports or is pivotal; the smallest and largest governments; those of "
                   "at most three parties (table or json).")
@click.option("--include", multiple=True, metavar="PARTY",
              help="Only governments with PARTY in the cabinet (repeat, or PARTY,PARTY).")
@click.option("--exclude", multiple=True, metavar="PARTY",
              help="Only governments PARTY neither sits in nor supports (it may abstain).")
@click.option("--max-parties", type=click.IntRange(min=1), metavar="K",
              help="Only cabinets of at most K parties.")
@click.option("--form", type=click.Choice(list(FORMS)), help="Only governments of this form.")
@click.option("--minimal-winning", is_flag=True,
              help="Only governments in which every party is needed for the majority.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Stop after N allocations (or coalitions).")
@TIME_LIMIT
@click.option("--out", metavar="PATH",
              help="Write to PATH, whole or not at all (- for standard output).")
@MAX_RELAXATIONS
def solve(file: str, scenario: str | None, level: str, fmt: str, counting: bool,
          summarising: bool, include: tuple[str, ...], exclude: tuple[str, ...],
          max_parties: int | None, form: str | None, minimal_winning: bool, limit: int | None,
          time_limit: float | None, out: str | None, max_relaxations: int) -> None:
    """Every feasible allocation of FILE, or a proof of deadlock.

    Filters act inside the model: the solver never visits what they leave out.
    """
    if (counting or summarising) and fmt not in ("table", "json"):
        _fail(f"--count and --summary print a table or json, not {fmt}")
    if counting and summarising:
        _fail("give --count or --summary, not both (the summary has the counts)")

    def run() -> int:
        instance = load(file)
        sink = Sink(out)

        terminal = out is None and fmt == "table" and sys.stdout.isatty()

        def emit(text: str) -> None:
            sink.write(render.for_terminal(text, _width()) if terminal else text)
            if out is None and fmt == "jsonl":
                sink.flush()

        job = _Job(instance, scenario, LEVELS[level], fmt, limit, time_limit, max_relaxations,
                   Filters(_parties(include), _parties(exclude), max_parties,
                           FORMS[form] if form else None, minimal_winning), emit)
        try:
            for chunk in job.chunks("summary" if summarising else "count" if counting
                                    else None):
                emit(chunk)
        except BaseException:
            job.progress.done()
            sink.close(keep=False)
            raise
        job.progress.done()
        sink.close()
        result = job.result
        if fmt == "csv" and result.deadlock is not None:  # a CSV has no place for it
            click.echo(render.to_table(result), err=True, nl=False)
        elif not result.complete and result.status != "deadlock":
            click.echo(render.status_line(result), err=True)
        return EXIT[result.status]

    _guard(run)


def _width() -> int:
    return shutil.get_terminal_size().columns


def _parties(given: tuple[str, ...]) -> tuple[str, ...]:
    """`--include a --include b` or `--include a,b`."""
    return tuple(p.strip() for value in given for p in value.split(",") if p.strip())


class _Job:
    """One `solve`: picks the path for what was asked (a count or summary; a streamed
    coalition listing; a table that turns into the summary when it would be too long; a
    listing of allocations), yields the output's chunks, and leaves the verdict in `result`."""

    def __init__(self, instance: Instance, scenario: str | None, level: Level, fmt: str,
                 limit: int | None, time_limit: float | None, max_relaxations: int,
                 filters: Filters, emit: Callable[[str], None]) -> None:
        self.emit = emit  # writes output at once, from inside a listing
        self.instance, self.scenario, self.level, self.fmt = instance, scenario, level, fmt
        self.limit, self.filters, self.max_relaxations = limit, filters, max_relaxations
        self.deadline = None if time_limit is None else STARTED + time_limit
        self.progress = Progress(level)
        self.result: Result

    def _remaining(self) -> float | None:
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def _stream(self, limit: int | None) -> Stream:
        from ..api import Stream

        return Stream(self.instance, self.scenario, filters=self.filters, limit=limit,
                      time_limit=self._remaining(), max_relaxations=self.max_relaxations,
                      on_phase=self.progress.phase)

    def _finish(self, result: Result) -> Result:
        self.result = result
        return result

    def chunks(self, census: str | None) -> Iterator[str]:
        if census is not None:
            yield from self._census(self._stream(None), census, "")
        elif self.level == "coalition" and (self.fmt != "table" or self.limit is not None):
            yield from self._streamed()
        elif self.fmt == "table" and self.limit is None:
            yield from self._readable()
        else:
            yield from self._listed(self.limit)

    def _census(self, stream: Stream, census: str, note: str) -> Iterator[str]:
        with stream.signals():
            figures = stream.summary() if census == "summary" else stream.count()
            result = self._finish(stream.result(found=figures.total))
        if self.fmt == "json":
            yield json.dumps(render.census_dict(result, figures), ensure_ascii=False) + "\n"
        else:
            yield render.census_table(result, figures, note)

    def _streamed(self) -> Iterator[str]:
        stream = self._stream(self.limit)
        problem = stream.problem

        def items() -> Iterator[Coalition]:
            for coalition in stream:
                self.progress.tick()
                yield coalition

        def lines() -> Iterator[str]:
            text = render.CoalitionJson(problem)
            for analysed, roles in stream.listing.rows():
                self.progress.tick()
                yield text.line(analysed, roles)

        def finish() -> Result:
            return self._finish(stream.result())

        with stream.signals():
            if self.fmt == "jsonl":
                yield from render.jsonl_stream(lines(), finish)
            elif self.fmt == "json":
                yield from render.json_stream(lines(), finish, problem, self.scenario)
            elif self.fmt == "csv":
                yield from render.csv_stream(items(), problem, "coalition")
                finish()
            else:
                listed = tuple(items())
                yield render.to_table(replace(finish(), coalitions=listed, counted=None))

    def _readable(self) -> Iterator[str]:
        """A table of at most TABLE_ROWS items. Past that, allocations give way to their
        coalitions when those fit, and else to the summary of the coalitions."""
        coalitions = self._coalition_table()
        if self.level == "allocation":
            result = self._solve(TABLE_ROWS + 1)
            if result.stopped_by != "limit":
                yield render.to_table(self._finish(result))
                return
            result = next(coalitions)
            if result.stopped_by != "limit":
                note = (f"More than {TABLE_ROWS} allocations, too many for a table: here are "
                        "their coalitions, with the range of each split and who can hold each "
                        "post. --format jsonl or csv lists the allocations.")
                yield render.to_table(self._finish(result), note)
                return
        else:
            result = next(coalitions)
            if result.stopped_by != "limit":
                yield render.to_table(self._finish(result))
                return
        noun = "coalitions" if self.level == "coalition" else "allocations"
        note = (f"More than {TABLE_ROWS} {noun}, too many for a table: here is the summary "
                "of the coalitions. --format jsonl or csv lists them all, --limit N shows the "
                "first N.")
        yield from self._census(self._stream(None), "summary", note)

    def _coalition_table(self) -> Iterator[Result]:
        """The first TABLE_ROWS + 1 coalitions, listed (made when first asked for)."""
        stream = self._stream(TABLE_ROWS + 1)
        with stream.signals():
            listed = tuple(stream)
            yield replace(stream.result(), coalitions=listed, counted=None,
                          level="coalition")

    def _solve(self, limit: int | None,
               on_found: Callable[[Allocation | Coalition], None] | None = None) -> Result:
        from ..api import solve

        return solve(self.instance, self.scenario, level=self.level, filters=self.filters,
                     limit=limit, time_limit=self._remaining(), on_found=on_found,
                     max_relaxations=self.max_relaxations, on_phase=self.progress.phase)

    def _listed(self, limit: int | None) -> Iterator[str]:
        """Allocations: gathered and sorted (JSON lines go out as they are found)."""
        investiture = narrow(resolve(self.instance, self.scenario),
                             self.filters).government.investiture

        def found(item: Allocation | Coalition) -> None:
            self.progress.tick()
            if self.fmt == "jsonl":
                self.emit(render.jsonl_line(item, investiture))

        result = self._finish(self._solve(limit, found))
        if self.fmt == "json":
            yield from render.json_chunks(result)
        elif self.fmt == "jsonl":
            yield render.jsonl_summary(result)
        elif self.fmt == "csv":
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
        from .. import api

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
            text = render.explanation_table(answer)
            click.echo(render.for_terminal(text, _width()) if sys.stdout.isatty() else text,
                       nl=False)
        return EXIT[answer.status]

    _guard(run)


@main.command("draw")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", metavar="NAME", help="Draw the chamber of the named scenario.")
@click.option("--coalition", "question", callback=_question,
              metavar="PARTY,PARTY[+SUPPORTER...]",
              help="Show a coalition: lab,green (that cabinet) or lab+green (Labour cabinet, "
                   "Greens supporting); every other party in opposition.")
@click.option("--out", metavar="PATH.svg|PATH.png", required=True,
              help="Where to write the picture (SVG, or PNG by its name), whole or not at all "
                   "(- for SVG on standard output).")
def draw(file: str, scenario: str | None, question: CoalitionQuestion | None,
         out: str) -> None:
    """The chamber of FILE as a hemicycle (SVG or PNG), one mark per seat."""

    def run() -> int:
        kind = "svg" if out == "-" else Path(out).suffix.lower().lstrip(".")
        if kind not in ("svg", "png"):
            raise UsageError(f"--out {out}: give a path ending in .svg or .png (or - for SVG "
                             "on standard output)")
        try:
            from ..render.chamber import Roles, hemicycle_svg, png
        except ImportError:  # parliamentarch, the seat layout, is an optional extra
            raise UsageError("drawing needs the plot extra: pip install 'allocator[plot]'"
                             ) from None
        problem = resolve(load(file), scenario)
        roles = None
        if question is not None:
            check_question(problem, question)
            roles = Roles(question.cabinet, question.support or ())
        picture = hemicycle_svg(problem, roles)
        _write(out, png(picture) if kind == "png" else picture)
        return 0

    _guard(run)


@main.command("report")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", metavar="NAME", help="Report on the named scenario.")
@click.option("--out", metavar="PATH.html", default="-", show_default=True,
              help="Where to write the page, whole or not at all (- for standard output).")
@click.option("--sweep", "swept", metavar="SWEEP.json",
              help="Show this sweep of FILE (saved by `allocator sweep --format json`) as bars.")
@TIME_LIMIT
def report_command(file: str, scenario: str | None, out: str, swept: str | None,
                   time_limit: float | None) -> None:
    """One self-contained HTML page on FILE: the chamber, the deals or their summary, the
    deadlock and what unlocks it, the scenarios, the recorded outcome, and a sweep if given."""

    def run() -> int:
        try:
            from ..briefing import brief
            from ..render.report import report_html
        except ImportError:  # parliamentarch, the seat layout, is an optional extra
            raise UsageError("the report needs the plot extra: pip install 'allocator[plot]'"
                             ) from None
        instance = load(file)
        command = " ".join(["allocator", "report", file,
                            *(["--scenario", scenario] if scenario else []),
                            *(["--sweep", swept] if swept else [])])
        sweep = None
        if swept is not None:
            from ..render.sweep import read_sweep

            sweep = read_sweep(swept, instance)
        briefing = brief(instance, scenario, command, time_limit, sweep=sweep)
        _write(out, report_html(briefing))
        return EXIT[briefing.result.status]

    _guard(run)


def _write(out: str | None, data: str | bytes) -> None:
    """Write a command's whole output to PATH (whole or not at all) or to stdout."""
    sink = Sink(out, binary=isinstance(data, bytes))
    try:
        sink.write(data)
    except BaseException:
        sink.close(keep=False)
        raise
    sink.close()


class ProgressBar:
    """A bar on stderr while a sweep runs, with draws a second and the time left, redrawn at
    most twice a second, only when stderr is a terminal."""

    WIDTH = 24

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = 0.0

    def __call__(self, progress: SweepProgress) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.shown < 0.5 and progress.done < progress.total):
            return
        self.shown = now
        elapsed = max(now - progress.started, 1e-9)
        rate = progress.done / elapsed
        filled = self.WIDTH * progress.done // max(progress.total, 1)
        left = (progress.total - progress.done) / rate if rate else float("inf")
        eta = f"{left:.0f} s left" if left != float("inf") else "starting"
        sys.stderr.write(f"\r\033[K[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                         f"{progress.done:,}/{progress.total:,} draws · {rate:,.0f}/s · {eta}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _bars(result: SweepResult, as_png: bool) -> str | bytes:
    """The sweep's bar chart, as SVG text or PNG bytes."""
    from ..render.bars import bars_svg
    from ..render.sweep import sweep_dict

    picture = bars_svg(sweep_dict(result), result.instance)
    if not as_png:
        return picture
    from ..render.chamber import png

    return png(picture)


@main.command("sweep")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", metavar="NAME", help="Sweep the named scenario of the instance.")
@click.option("--draws", type=click.IntRange(1, 10**7), default=1000, show_default=True,
              metavar="N", help="How many parliaments to draw from the polls (a seat table "
                                "has its own).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              metavar="S", help="The seed of the draws: the same seed, the same answer.")
@click.option("--seats", "seat_table", type=click.Path(dir_okay=False), metavar="DRAWS.csv",
              help="Sweep these parliaments instead: a header of party ids (and optionally "
                   "others), one row of seats per parliament.")
@click.option("--polls", type=click.Path(dir_okay=False), metavar="FILE",
              help="Take votes and electoral_system from FILE instead of the instance.")
@click.option("--workers", type=click.IntRange(min=1), metavar="K",
              help="Local worker processes (default: one per core; 1 runs in this process).")
@click.option("--dask", metavar="ADDRESS",
              help="Run on the Dask scheduler at ADDRESS (e.g. tcp://10.0.0.5:8786).")
@click.option("--checkpoint", metavar="DIR",
              help="Keep every answer in DIR; run the same command again to resume.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for people; json (SPEC §7); csv one row per "
                                      "government, with 95% intervals.")
@click.option("--out", metavar="PATH", help="Write to PATH, whole or not at all.")
@click.option("--plot", metavar="PATH.svg|.png",
              help="Also draw the probabilities as bars into PATH.")
@TIME_LIMIT
def sweep_command(file: str, scenario: str | None, draws: int, seed: int,
                  seat_table: str | None, polls: str | None, workers: int | None,
                  dask: str | None, checkpoint: str | None, fmt: str, out: str | None,
                  plot: str | None, time_limit: float | None) -> None:
    """How likely each government of FILE is, over parliaments drawn from its polls (or
    given in a seat table), with every demand in force."""
    if workers is not None and dask is not None:
        _fail("give --workers or --dask, not both")
    if seat_table is not None and polls is not None:
        _fail("give --seats or --polls, not both")
    kind = Path(plot).suffix.lower().lstrip(".") if plot else None
    if kind is not None and kind not in ("svg", "png"):
        _fail(f"--plot {plot}: give a file ending in .svg or .png")

    def run() -> int:
        from ..instance.loader import load_uncertainty
        from ..render import sweep as render_sweep
        from ..sweep.draws import SeatTable
        from ..sweep.run import sweep

        instance = load(file)
        if polls is not None:
            instance = load_uncertainty(polls, instance)
        table = SeatTable.read(seat_table, instance) if seat_table is not None else None
        resolve(instance, scenario)  # an unknown scenario is a usage error, before any work
        # both outputs are opened first: a path that cannot be written fails before the work
        sinks = [Sink(out), *([Sink(plot, binary=kind == "png")] if plot else [])]
        progress = ProgressBar()
        try:
            result = sweep(instance, scenario, draws=draws, seed=seed, seats=table,
                           workers=workers, dask=dask, checkpoint=checkpoint,
                           time_limit=None if time_limit is None
                           else STARTED + time_limit - time.monotonic(),
                           on_progress=progress)
            progress.done()
            sinks[0].write({"json": render_sweep.sweep_json, "csv": render_sweep.sweep_csv,
                            "table": render_sweep.sweep_table}[fmt](result))
            if plot is not None:
                sinks[1].write(_bars(result, kind == "png"))
        except BaseException:
            progress.done()
            for sink in sinks:
                sink.close(keep=False)
            raise
        for sink in sinks:
            sink.close()
        if not result.complete:
            click.echo(render_sweep.status(result), err=True)
        if result.draws == 0:
            return EXIT["unknown"]
        return EXIT["deadlock"] if result.complete and not result.governments else 0

    _guard(run)


def _investiture_rules(ctx: click.Context, param: click.Parameter,
                       value: tuple[str, ...]) -> dict[str, str]:
    """`--investiture DNK=absolute`: a country's rule, instead of the default."""
    rules = {}
    for given in value:
        country, _, rule = given.partition("=")
        if rule not in ("absolute", "relative", "negative") or not country.isalpha():
            raise click.BadParameter(f"{given!r}: give COUNTRY=absolute, relative or "
                                     "negative (e.g. DNK=absolute)", ctx, param)
        rules[country.upper()] = rule
    return rules


@main.command("parlgov")
@click.argument("table", type=click.Path(dir_okay=False), metavar="CSV")
@click.option("--out", "folder", required=True, metavar="DIR",
              help="Write one instance file per election into DIR (made if missing).")
@click.option("--country", "countries", multiple=True, metavar="ISO3",
              help="Only these countries (repeat, or DEU,NLD; `western-europe` for all 19).")
@click.option("--since", type=click.IntRange(1800, 2100), metavar="YEAR",
              help="Only elections from this year on.")
@click.option("--investiture", "rules", multiple=True, callback=_investiture_rules,
              metavar="ISO3=RULE", help="A country's investiture rule (default: negative for "
                                        "DNK, NOR and SWE, absolute elsewhere).")
def parlgov_command(table: str, folder: str, countries: tuple[str, ...], since: int | None,
                    rules: dict[str, str]) -> None:
    """One instance per election from ParlGov's view_cabinet CSV, the recorded cabinet as its
    outcome. Every problem in the data is said, per formation."""

    def run() -> int:
        from ..record import parlgov

        chosen = [c.strip().upper() for value in countries for c in value.split(",")
                  if c.strip()]
        if "WESTERN-EUROPE" in chosen:
            chosen = [c for c in chosen if c != "WESTERN-EUROPE"] + list(parlgov.WESTERN_EUROPE)
        rows = parlgov.read(table)
        known = {r["country_name_short"] for r in rows}
        unknown = sorted(set(chosen) - known)
        if unknown:
            raise UsageError(f"--country {', '.join(unknown)}: not in the table (it has "
                             f"{', '.join(sorted(known))})")
        target = Path(folder)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--out {folder}: cannot make that folder ({exc})") from None
        written = skipped = 0
        for found in parlgov.formations(rows, chosen, since, rules):
            for line in found.said():
                click.echo(line, err=True)
            if found.instance is None:
                skipped += 1
                continue
            _write(str(target / f"{found.slug}.yaml"), parlgov.to_yaml(found))
            written += 1
        click.echo(f"{written} formations written to {folder}"
                   + (f"; {skipped} skipped (said above)" if skipped else ""))
        return 0 if written else 4

    _guard(run)


@main.command("dataset")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--out", required=True, metavar="FILE.csv|.parquet",
              help="Write the rows here, whole or not at all.")
@click.option("--workers", type=click.IntRange(min=1), metavar="K",
              help="Local worker processes (default: one per core; 1 runs in this process).")
@click.option("--dask", metavar="ADDRESS", help="Run on the Dask scheduler at ADDRESS.")
def dataset_command(paths: tuple[str, ...], out: str, workers: int | None,
                    dask: str | None) -> None:
    """One row per potential government per formation (PATH: instance files, or folders of
    them), with the attributes coalition theories read and `formed`."""
    if workers is not None and dask is not None:
        _fail("give --workers or --dask, not both")

    def run() -> int:
        from ..record.dataset import Output, build

        target = Output(out)
        formations = rows = 0
        try:
            for found in build(paths, workers=workers, dask=dask):
                target.write(found)
                formations += 1
                rows += found.count
                for problem in found.problems:
                    click.echo(problem, err=True)
        except BaseException:
            target.close(keep=False)
            raise
        target.close()
        click.echo(f"{rows:,} potential governments of {formations} formations written to "
                   f"{out}", err=True)
        return 0

    _guard(run)


@main.command("theories")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--workers", type=click.IntRange(min=1), metavar="K",
              help="Local worker processes (default: one per core; 1 runs in this process).")
@click.option("--dask", metavar="ADDRESS", help="Run on the Dask scheduler at ADDRESS.")
def theories_command(paths: tuple[str, ...], workers: int | None, dask: str | None) -> None:
    """How often the classic coalition theories predict the cabinet that formed, against
    chance, per country and overall; and a conditional logit of the cabinet formed on its
    attributes (PATH: instance files with recorded outcomes, or folders of them)."""
    if workers is not None and dask is not None:
        _fail("give --workers or --dask, not both")

    def run() -> int:
        from ..record.dataset import build
        from ..record.theories import conditional_logit, score, theories_table

        record = score(build(paths, workers=workers, dask=dask))
        click.echo(theories_table(record, conditional_logit(record)), nl=False)
        return 0

    _guard(run)


@main.command("serve")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default answers this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--seconds", "seconds", type=float, callback=_seconds, default=10.0,
              show_default=True, metavar="S", help="Time limit of each solve.")
@click.option("--solving", type=click.IntRange(min=1), default=2, show_default=True,
              metavar="N", help="Solves at once; more requests wait.")
@click.option("--write", is_flag=True,
              help="Let the room save scenarios into the YAML files served (kept whole, "
                   "comments kept).")
def serve(files: tuple[str, ...], host: str, port: int, seconds: float, solving: int,
          write: bool) -> None:
    """The reports of FILES and a JSON API on a local web server (Ctrl-C stops it)."""

    def run() -> int:
        try:
            import uvicorn

            from ..web.app import Limits, create_app
        except ImportError:  # the ASGI stack is an optional extra
            raise UsageError("serving needs the web extra: pip install 'allocator[web]'"
                             ) from None
        gc.enable()  # a long-lived server: its garbage must be collected (see `main`)
        app = create_app(list(files), Limits(seconds=seconds, solving=solving), write)
        click.echo(f"serving {len(files)} instance{'s' if len(files) != 1 else ''} on "
                   f"http://{host}:{port}/ (Ctrl-C stops)", err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return 0

    _guard(run)


@main.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@TIME_LIMIT
def check_command(paths: tuple[str, ...], time_limit: float | None) -> None:
    """Check recorded outcomes and scenario expectations of instances (a folder: every instance
    in it). Exit 0 only if every expectation holds; 5 if one fails, 2 if a file is invalid, 4
    if the time limit or an interrupt left one undecided."""

    def run() -> int:
        from ..explaining.check import checks, instance_files
        from ..solving.solver import Budget

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
