"""`allocator draw` and `allocator report`: the chamber as a picture, and the page to share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..files import write_whole
from ..instance.loader import load
from ..instance.transform import CoalitionQuestion, ask, check_question, resolve
from . import options
from .running import EXIT, Clock, run_command

if TYPE_CHECKING:
    from ..likely.model import FormationModel
    from ..solving.result import Coalition, Result


@click.command("draw")
@click.argument("file", type=click.Path(dir_okay=False))
@options.scenario("Draw the chamber of")
@click.option("--coalition", "question", callback=options.question,
              metavar="PARTY,PARTY[+SUPPORTER...]",
              help="Show a government: lab,green (that cabinet) or lab+green (Labour cabinet, "
                   "Greens supporting); every other party in opposition.")
@click.option("--card", is_flag=True,
              help="A 1200x675 picture to share: the chamber with the government (--coalition, "
                   "else the most likely), the title, date, verdict, sources and credit.")
@click.option("--out", metavar="PATH.svg|PATH.png", required=True,
              help="Where to write the picture (SVG, or PNG by its name), whole or not at all "
                   "(- for SVG on standard output).")
@options.MODEL
def draw(file: str, scenario: str | None, question: CoalitionQuestion | None, card: bool,
         out: str, model: FormationModel | None) -> None:
    """The chamber of FILE as a hemicycle (SVG or PNG), one mark per seat; with --card, a
    picture to share."""
    kind = "svg" if out == "-" else Path(out).suffix.lower().lstrip(".")
    if kind not in ("svg", "png"):
        raise click.BadParameter("give a path ending in .svg or .png (or - for SVG on "
                                 "standard output)", param_hint="--out")

    def work() -> int:
        from ..api import solve
        from ..render.card import card_svg
        from ..render.chamber import Roles, hemicycle_svg, png
        from ..render.views import names_of
        from ..solving.allocations import exists

        problem = resolve(load(file), scenario)
        roles, note = None, ""
        if question is not None:
            check_question(problem, question)
            roles = Roles(question.cabinet, question.support or ())
            if not exists(ask(problem, question)):
                note = (f"Not a possible government: {question.words()} has no deal that "
                        "meets the seats and every stated demand (allocator explain "
                        "--why-not says why).")
                click.echo(f"allocator draw: {note}", err=True)
        if card:
            result = solve(problem, level="coalition", limit=1, rank="likely", model=model)
            first = result.coalitions[0] if result.coalitions else None
            if roles is None and first is not None:
                roles = Roles(tuple(first.cabinet), first.support, first.abstain)
            credit = " ".join(["Made with allocator:", "allocator draw", Path(file).name,
                               *(["--scenario", scenario] if scenario else []), "--card"])
            picture = card_svg(problem, roles, card_verdict(result, first, names_of(problem),
                                                            question is not None), credit, note)
        else:
            picture = hemicycle_svg(problem, roles, note=note)
        write_whole(out, png(picture) if kind == "png" else picture)
        return 0

    run_command(work)


def card_verdict(result: Result, first: Coalition | None, names: dict[str, str],
                 asked: bool) -> str:
    """What a card says above the government: the verdict, and whether the government shown
    is the most likely or the one asked for."""
    from ..render.views import listed, percent

    if first is None:
        return "No deal meets every demand." if result.status == "deadlock" else \
            "No answer: the search was cut short."
    likeliest = listed([names[p] for p in first.cabinet])
    chance = f" ({percent(first.probability)} likely to form)" if first.probability else ""
    return (f"The most likely government: {likeliest}{chance}." if not asked else
            f"The most likely government is {likeliest}{chance}; shown: the one asked for.")


@click.command("report")
@click.argument("file", type=click.Path(dir_okay=False))
@options.scenario("Report on")
@click.option("--out", metavar="PATH.html", default="-", show_default=True,
              help="Where to write the page, whole or not at all (- for standard output).")
@click.option("--sweep", "swept", metavar="SWEEP.json",
              help="Show this sweep of FILE (saved by `allocator sweep --format json`) as bars.")
@options.MODEL
@options.TIME_LIMIT
def report(file: str, scenario: str | None, out: str, swept: str | None,
           model: FormationModel | None, time_limit: float | None) -> None:
    """One self-contained HTML page on FILE: the chamber, the deals or their summary, the
    deadlock and what unlocks it, the scenarios, the recorded outcome, and a sweep if given."""
    clock = Clock(time_limit)

    def work() -> int:
        from ..briefing import brief
        from ..render.report import report_html

        instance = load(file)
        # the command as a reader could run it again: the file's name, never a local path
        command = " ".join(["allocator", "report", Path(file).name,
                            *(["--scenario", scenario] if scenario else []),
                            *(["--sweep", Path(swept).name] if swept else [])])
        sweep = None
        if swept is not None:
            from ..sweep.reading import read_sweep

            sweep = read_sweep(swept, instance)
        briefing = brief(instance, scenario, command, clock.remaining(), sweep=sweep,
                         model=model, power=True)
        write_whole(out, report_html(briefing))
        return EXIT[briefing.result.status]

    run_command(work)
