"""`allocator power`: who holds power in FILE, under its red lines and by seats alone."""

from __future__ import annotations

import shutil
import sys

import click

from ..files import Sink
from ..instance.loader import load
from ..render import power as render_power
from . import options
from .progress import Progress
from .running import EXIT, Clock, run_command

FORMATS = ("table", "json", "csv")


@click.command("power")
@click.argument("file", type=click.Path(dir_okay=False))
@options.scenario("Weigh")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True,
              help="table for people; json one document (with the demands' costs); csv one "
                   "row per party.")
@click.option("--out", metavar="PATH",
              help="Write to PATH, whole or not at all (- for standard output).")
@options.TIME_LIMIT
def power(file: str, scenario: str | None, fmt: str, out: str | None,
          time_limit: float | None) -> None:
    """Who holds power in FILE: each party's Shapley-Shubik and Banzhaf index under the
    demands (a set of parties wins when it can form a government that meets them) and by seats
    alone (a set wins when its seats reach the quota), and what each demand costs its party.
    Exit 0 when complete, 4 when a time limit or an interrupt left some undecided."""
    clock = Clock(time_limit)

    def work() -> int:
        from .. import api

        instance = load(file)
        with Sink(out) as sink:
            with Progress("step") as progress:
                answer = api.power(instance, scenario, time_limit=clock.remaining(),
                                   on_phase=progress.phase)
            if fmt == "json":
                said = render_power.power_json(answer)
            elif fmt == "csv":
                said = render_power.power_csv(answer)
            else:
                terminal = out is None and sys.stdout.isatty()
                said = render_power.power_table(
                    answer, shutil.get_terminal_size().columns if terminal else None)
            sink.stream.write(said)
        return 0 if answer.complete else EXIT["unknown"]

    run_command(work)
