"""`allocator solve` and `allocator explain`: every deal, or why there is none."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from ..files import Sink
from ..instance.loader import load
from ..instance.schema import Instance
from ..instance.transform import CoalitionQuestion, Filters, narrow, resolve
from ..render import json as render_json
from ..render import text
from ..render.formats import FORMATS, Format, Table
from ..solving.result import LISTED, Allocation, Coalition, Form, Level, Result
from . import options
from .progress import Progress
from .running import EXIT, Clock, run_command

if TYPE_CHECKING:
    from ..api import Stream
    from ..likely.model import FormationModel

LEVELS: dict[str, Level] = {"allocation": "allocation", "coalition": "coalition"}
FORMS: dict[str, Form] = {"majority": "majority", "minority": "minority"}


def width() -> int:
    return shutil.get_terminal_size().columns


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@options.scenario("Solve")
@click.option("--level", type=click.Choice(list(LEVELS)), default="allocation",
              show_default=True, help="List allocations, or each (cabinet, support) once.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table",
              show_default=True,
              help=f"table for people (past {LISTED} rows, the summary); json one "
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
@click.option("--rank", type=click.Choice(["spec", "likely"]), default="spec",
              show_default=True,
              help="spec: SPEC order; likely: the most likely first, by the probability that "
                   "the cabinet forms (the formation model), shown beside each.")
@options.MODEL
@options.TIME_LIMIT
@click.option("--out", metavar="PATH",
              help="Write to PATH, whole or not at all (- for standard output).")
@options.MAX_RELAXATIONS
def solve(file: str, scenario: str | None, level: str, fmt: str, counting: bool,
          summarising: bool, include: tuple[str, ...], exclude: tuple[str, ...],
          max_parties: int | None, form: str | None, minimal_winning: bool, limit: int | None,
          rank: str, model: FormationModel | None, time_limit: float | None, out: str | None,
          max_relaxations: int) -> None:
    """Every feasible allocation of FILE, or a proof of deadlock.

    Filters act inside the model: the solver never visits what they leave out.
    """
    clock = Clock(time_limit)
    output = FORMATS[fmt]
    if fmt == "table" and out is None and sys.stdout.isatty():
        output = Table(width())  # tables fitted to the terminal, wrapped inside their cells
    if (counting or summarising) and not output.counts:
        raise click.UsageError(f"--count and --summary print a table or json, not {fmt}")
    if counting and summarising:
        raise click.UsageError("give --count or --summary, not both (the summary has the "
                               "counts)")
    if rank == "likely" and (counting or summarising):
        raise click.UsageError("--rank likely orders a listing; --count and --summary list "
                               "nothing")

    def work() -> int:
        instance = load(file)
        filters = Filters(options.listed(include), options.listed(exclude), max_parties,
                          FORMS[form] if form else None, minimal_winning)
        with Sink(out) as sink:
            terminal = out is None and fmt == "table" and sys.stdout.isatty()

            with Progress(level) as progress:

                def emit(chunk: str) -> None:
                    with progress.paused():
                        sink.write(text.for_terminal(chunk, width()) if terminal else chunk)
                        if out is None and output.flushes:
                            sink.flush()

                job = _Job(instance, scenario, LEVELS[level], output, limit, clock,
                           max_relaxations, filters, emit, progress)
                job.model, job.ranked = model, rank == "likely"
                for chunk in job.chunks("summary" if summarising else "count" if counting
                                        else None):
                    emit(chunk)
        aside = output.aside(job.result)
        if aside:
            click.echo(aside, err=True, nl=False)
        return EXIT[job.result.status]

    run_command(work)


class _Job:
    """One `solve`: picks the path for what was asked (a count or summary; a streamed
    coalition listing; a table that turns into the summary when it would be too long; a
    listing of allocations), yields the output's chunks, and leaves the verdict in `result`."""

    def __init__(self, instance: Instance, scenario: str | None, level: Level, output: Format,
                 limit: int | None, clock: Clock, max_relaxations: int, filters: Filters,
                 emit: Callable[[str], None], progress: Progress) -> None:
        self.emit = emit  # writes output at once, from inside a listing
        self.instance, self.scenario, self.level, self.output = instance, scenario, level, output
        self.limit, self.filters, self.max_relaxations = limit, filters, max_relaxations
        self.clock = clock
        self.progress = progress
        self.result: Result
        #: `--rank likely`: the governments in order of probability
        self.ranked = False
        #: the formation model of the ranking and of every example deal (None: the shipped one)
        self.model: FormationModel | None = None

    def _stream(self, limit: int | None) -> Stream:
        from ..api import Stream

        return Stream(self.instance, self.scenario, filters=self.filters, limit=limit,
                      time_limit=self.clock.remaining(), max_relaxations=self.max_relaxations,
                      on_phase=self.progress.phase, model=self.model)

    def _finish(self, result: Result) -> Result:
        self.result = result
        return result

    def chunks(self, census: str | None) -> Iterator[str]:
        from ..api import collection_paused

        with collection_paused():
            if self.ranked:
                yield from self._ranked()
            elif census is not None:
                yield from self._census(self._stream(None), census, "")
            elif self.level == "coalition" and (self.output.streams or self.limit is not None):
                yield from self._streamed()
            elif not self.output.streams and self.limit is None:
                yield from self._readable()
            else:
                yield from self._listed(self.limit)

    def _census(self, stream: Stream, census: str, note: str) -> Iterator[str]:
        with stream.signals():
            figures = stream.summary() if census == "summary" else stream.count()
            result = self._finish(stream.result(found=figures.total))
        yield self.output.census(result, figures, note)

    def _streamed(self) -> Iterator[str]:
        stream = self._stream(self.limit)
        problem = stream.problem

        def items() -> Iterator[Coalition]:
            for coalition in stream:
                self.progress.tick()
                yield coalition

        def lines() -> Iterator[str]:
            fast = render_json.CoalitionJson(problem)
            for analysed, roles in stream.listing.rows():
                self.progress.tick()
                yield fast.line(analysed, roles)

        def finish() -> Result:
            return self._finish(stream.result())

        with stream.signals():
            yield from self.output.streamed(lines(), items(), finish, problem, self.scenario)

    def _ranked(self) -> Iterator[str]:
        """The governments in order of probability: streamed (a table shows the first
        LISTED)."""
        from ..api import Ranking

        table = not self.output.streams
        limit = LISTED if table and self.limit is None else self.limit
        ranking = Ranking(self.instance, self.scenario, level=self.level, filters=self.filters,
                          limit=limit, time_limit=self.clock.remaining(),
                          max_relaxations=self.max_relaxations, on_phase=self.progress.phase,
                          model=self.model)
        investiture = ranking.problem.government.investiture

        def items() -> Iterator[Allocation | Coalition]:
            for item in ranking:
                self.progress.tick()
                yield item

        def lines() -> Iterator[str]:
            if ranking.in_one_pass:  # straight from the listing's rows, as `_stream` does
                fast = render_json.CoalitionJson(ranking.problem)
                for analysed, roles, p in ranking.rows():
                    self.progress.tick()
                    yield fast.line(analysed, roles, p)
                return
            for item in items():
                yield json.dumps(render_json.item_dict(item, investiture), ensure_ascii=False)

        def finish() -> Result:
            return self._finish(ranking.result())

        with ranking.signals():
            yield from self.output.streamed(lines(), items(), finish, ranking.problem,
                                            self.scenario, self.level, ranked=True)

    def _readable(self) -> Iterator[str]:
        """A table of at most LISTED items. Past that, allocations give way to their
        coalitions when those fit, and else to the summary of the coalitions."""
        coalitions = self._coalition_table()
        if self.level == "allocation":
            result = self._solve(LISTED + 1)
            if result.stopped_by != "limit":
                yield text.to_table(self._finish(result), width=self.output.width)
                return
            result = next(coalitions)
            if result.stopped_by != "limit":
                note = (f"More than {LISTED} allocations, too many for a table: here are "
                        "their coalitions, with the range of each split and who can hold each "
                        "post. --format jsonl or csv lists the allocations.")
                yield text.to_table(self._finish(result), note, self.output.width)
                return
        else:
            result = next(coalitions)
            if result.stopped_by != "limit":
                yield text.to_table(self._finish(result), width=self.output.width)
                return
        noun = "coalitions" if self.level == "coalition" else "allocations"
        note = (f"More than {LISTED} {noun}, too many for a table: here is the summary "
                "of the coalitions. --format jsonl or csv lists them all, --limit N shows the "
                "first N.")
        yield from self._census(self._stream(None), "summary", note)

    def _coalition_table(self) -> Iterator[Result]:
        """The first LISTED + 1 coalitions, listed (made when first asked for)."""
        stream = self._stream(LISTED + 1)
        with stream.signals():
            listed = tuple(stream)
            yield replace(stream.result(), coalitions=listed, counted=None,
                          level="coalition")

    def _solve(self, limit: int | None,
               on_found: Callable[[Allocation | Coalition], None] | None = None) -> Result:
        from ..api import solve as solve_instance

        return solve_instance(self.instance, self.scenario, level=self.level,
                              filters=self.filters, limit=limit,
                              time_limit=self.clock.remaining(), on_found=on_found,
                              max_relaxations=self.max_relaxations,
                              on_phase=self.progress.phase, model=self.model)

    def _listed(self, limit: int | None) -> Iterator[str]:
        """Allocations: gathered and sorted (JSON lines go out as they are found)."""
        investiture = narrow(resolve(self.instance, self.scenario),
                             self.filters).government.investiture

        def found(item: Allocation | Coalition) -> None:
            self.progress.tick()
            line = self.output.live(item, investiture)
            if line is not None:
                self.emit(line)

        yield from self.output.listed(self._finish(self._solve(limit, found)))


@click.command("explain")
@click.argument("file", type=click.Path(dir_okay=False))
@options.scenario("Explain")
@click.option("--why-not", "question", callback=options.question,
              metavar="PARTY,PARTY[+SUPPORTER...]",
              help="Why a coalition has no allocation: lab,green (that cabinet, any support) "
                   "or lab+green (Labour cabinet, Greens supporting).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people, json for programs.")
@options.MAX_RELAXATIONS
@options.MODEL
@options.TIME_LIMIT
def explain(file: str, scenario: str | None, question: CoalitionQuestion | None,
            fmt: str, max_relaxations: int, model: FormationModel | None,
            time_limit: float | None) -> None:
    """Why FILE is deadlocked (or which of its demands bind), or why not a coalition."""
    clock = Clock(time_limit)

    def work() -> int:
        from .. import api

        instance = load(file)
        with Progress("step") as progress:
            answer = api.explain(instance, scenario, why_not=question,
                                 max_relaxations=max_relaxations,
                                 time_limit=clock.remaining(), on_phase=progress.phase,
                                 model=model)
        if fmt == "json":
            click.echo(json.dumps(render_json.explanation_dict(answer), ensure_ascii=False))
        else:
            said = text.explanation_table(answer)
            click.echo(text.for_terminal(said, width()) if sys.stdout.isatty() else said,
                       nl=False)
        return EXIT[answer.status]

    run_command(work)
