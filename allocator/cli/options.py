"""The options several commands share, each declared once: the scenario, the time limit, the
relaxations listed, where the work runs (`--workers` / `--dask`), a coalition asked about.

A value that cannot be right is refused while the command line is read, by click, with the
usage and exit status 2; what a valid value means for the instance (an unknown scenario or
party) is the work's to say, as an `AllocatorError`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..instance.transform import CoalitionQuestion
from ..solving.result import DEFAULT_MAX_RELAXATIONS

if TYPE_CHECKING:  # loaded when a model is given: numpy is not for every command
    from ..likely.model import FormationModel

F = TypeVar("F", bound=Callable[..., Any])

#: the longest time limit accepted (click lets `nan` and `inf` through a float)
MAX_SECONDS = 10**7


def seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A time limit is a finite number of seconds above 0."""
    if value is not None and not (0 < value <= MAX_SECONDS):
        raise click.BadParameter(f"give a number of seconds above 0 and at most {MAX_SECONDS:,}"
                                 f", got {value}", ctx, param)
    return value


TIME_LIMIT = click.option(
    "--time-limit", type=float, callback=seconds, metavar="S",
    help="Stop after S seconds (every phase counts) and report what was found, marked "
         "incomplete.")
MAX_RELAXATIONS = click.option(
    "--max-relaxations", type=click.IntRange(min=1), default=DEFAULT_MAX_RELAXATIONS,
    show_default=True, metavar="N", help="List at most N minimum relaxations of a deadlock.")


def formation_model(ctx: click.Context, param: click.Parameter,
                    value: str | None) -> FormationModel | None:
    """`--model FILE`: a formation model written by `allocator fit` (None: the shipped one)."""
    if value is None:
        return None
    from ..errors import AllocatorError
    from ..likely.model import load

    try:
        return load(value)
    except AllocatorError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"--model {value}: "), ctx,
                                 param) from None


MODEL = click.option(
    "--model", "model", callback=formation_model, metavar="FILE",
    help="The formation model that says how likely each government is (default: the one "
         "fitted on ParlGov's record; `allocator fit` writes others).")


def scenario(what: str) -> Callable[[F], F]:
    """`--scenario NAME`: `what` the command does with it ("Solve", "Draw the chamber of")."""
    return click.option("--scenario", metavar="NAME", help=f"{what} the named scenario of "
                        "the instance.")


@dataclass(frozen=True)
class Engine:
    """Where a sweep's or a dataset's work runs: `workers` local processes (None: one per
    core; 1: this process), or the Dask scheduler at `dask`."""

    workers: int | None = None
    dask: str | None = None


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--workers K | --dask ADDRESS`, given to the command as one `engine`."""
    @functools.wraps(command)
    def with_engine(*args: Any, workers: int | None, dask: str | None, **kwargs: Any) -> Any:
        if workers is not None and dask is not None:
            raise click.UsageError("give --workers or --dask, not both")
        return command(*args, engine=Engine(workers, dask), **kwargs)

    options = [click.option("--workers", type=click.IntRange(min=1), metavar="K",
                            help="Local worker processes (default: one per core; 1 runs in "
                                 "this process)."),
               click.option("--dask", metavar="ADDRESS",
                            help="Run on the Dask scheduler at ADDRESS (e.g. "
                                 "tcp://10.0.0.5:8786).")]
    decorated: Callable[..., Any] = with_engine
    for option in reversed(options):
        decorated = option(decorated)
    return decorated


def question(ctx: click.Context, param: click.Parameter,
             value: str | None) -> CoalitionQuestion | None:
    """A coalition on the command line: `lab,green` (that cabinet, any support), `lab+green`
    (a Labour cabinet supported by exactly the Greens), `lab+` (no supporters),
    `lab,con+green+ld` (both)."""
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


def listed(given: tuple[str, ...]) -> tuple[str, ...]:
    """A repeatable option's values, each possibly a comma-separated list: `--include a
    --include b`, `--include a,b`, `--country DEU NLD` all read alike."""
    return tuple(p.strip() for value in given for p in value.replace(" ", ",").split(",")
                 if p.strip())
