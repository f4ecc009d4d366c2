"""`allocator sweep`: how likely each government is, over parliaments drawn from polls or
given in a seat table."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..files import Sink
from ..instance.loader import load
from ..instance.transform import resolve
from . import options
from .progress import Progress
from .running import EXIT, Clock, run_command

if TYPE_CHECKING:
    from ..likely.model import FormationModel
    from ..sweep.run import SweepResult


@click.command("sweep")
@click.argument("file", type=click.Path(dir_okay=False))
@options.scenario("Sweep")
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
@options.engine_options
@click.option("--checkpoint", metavar="DIR",
              help="Keep every answer in DIR; run the same command again to resume.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for people; json (SPEC §7); csv one row per "
                                      "government, with 95% intervals.")
@click.option("--out", metavar="PATH", help="Write to PATH, whole or not at all.")
@click.option("--plot", metavar="PATH.svg|.png",
              help="Also draw the probabilities as bars into PATH.")
@options.MODEL
@options.TIME_LIMIT
def sweep(file: str, scenario: str | None, draws: int, seed: int, seat_table: str | None,
          polls: str | None, engine: options.Engine, checkpoint: str | None, fmt: str,
          out: str | None, plot: str | None, model: FormationModel | None,
          time_limit: float | None) -> None:
    """How likely each government of FILE is, over parliaments drawn from its polls (or
    given in a seat table), with every demand in force."""
    clock = Clock(time_limit)
    if seat_table is not None and polls is not None:
        raise click.UsageError("give --seats or --polls, not both")
    kind = Path(plot).suffix.lower().lstrip(".") if plot else None
    if kind is not None and kind not in ("svg", "png"):
        raise click.BadParameter("give a file ending in .svg or .png", param_hint="--plot")

    def work() -> int:
        from ..instance.loader import load_uncertainty
        from ..render.sweep import FORMATS, status
        from ..sweep.draws import SeatTable
        from ..sweep.run import sweep as run_sweep

        instance = load(file)
        if polls is not None:
            instance = load_uncertainty(polls, instance)
        table = SeatTable.read(seat_table, instance) if seat_table is not None else None
        resolve(instance, scenario)  # an unknown scenario is a usage error, before any work
        with ExitStack() as outputs:
            # both outputs are opened first: a path that cannot be written fails before the work
            text = outputs.enter_context(Sink(out))
            picture = outputs.enter_context(Sink(plot, binary=kind == "png", what="--plot")
                                            ) if plot is not None else None
            with Progress("draw", total=len(table) if table is not None else draws
                          ) as progress:
                result = run_sweep(instance, scenario, draws=draws, seed=seed, seats=table,
                                   workers=engine.workers, dask=engine.dask,
                                   checkpoint=checkpoint, time_limit=clock.remaining(),
                                   on_progress=lambda p: progress.advance(p.done),
                                   model=model)
            for part in FORMATS[fmt](result):
                text.write(part)
            if picture is not None:
                picture.write(_bars(result, kind == "png"))
        if not result.complete:
            click.echo(status(result), err=True)
        if result.draws == 0:
            return EXIT["unknown"]
        return EXIT["deadlock"] if result.complete and not result.governments else 0

    run_command(work)


def _bars(result: SweepResult, as_png: bool) -> str | bytes:
    """The sweep's bar chart, as SVG text or PNG bytes."""
    from ..render.bars import SHOWN, bars_svg
    from ..render.chamber import png
    from ..sweep.document import shown

    picture = bars_svg(shown(result, SHOWN), result.instance)
    return png(picture) if as_png else picture
