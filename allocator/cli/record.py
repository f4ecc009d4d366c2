"""`allocator parlgov`, `dataset`, `theories`, `fit` and `predict`: the post-war record as
instances, as the choice sets of coalition research and as the classic theories' hit rates; the
formation model fitted on it, and checked on formations it did not see."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..files import write_whole
from . import options
from .running import run_command

if TYPE_CHECKING:
    from ..likely.model import FormationModel


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


@click.command("parlgov")
@click.argument("given", nargs=-1, required=True, metavar="CSV")
@click.option("--out", "folder", required=True, metavar="DIR",
              help="Write one instance file per election into DIR (made if missing).")
@click.option("--country", "countries", multiple=True, metavar="ISO3...",
              help="Only these countries (--country DEU NLD, DEU,NLD, or repeated; "
                   "`western-europe` for all 19).")
@click.option("--since", type=click.IntRange(1800, 2100), metavar="YEAR",
              help="Only elections from this year on.")
@click.option("--investiture", "rules", multiple=True, callback=_investiture_rules,
              metavar="ISO3=RULE", help="A country's investiture rule (default: negative for "
                                        "DNK, NOR and SWE, absolute elsewhere).")
def parlgov(given: tuple[str, ...], folder: str, countries: tuple[str, ...],
            since: int | None, rules: dict[str, str]) -> None:
    """One instance per election from ParlGov's view_cabinet CSV, the recorded cabinet as its
    outcome. Every problem in the data is said, per formation."""
    table, *more = given
    if more and not countries:
        raise click.UsageError(f"unexpected {' '.join(more)}: give one table (CSV)")

    def work() -> int:
        from ..record import parlgov as importer

        chosen = [c.upper() for c in options.listed((*countries, *more))]
        if "WESTERN-EUROPE" in chosen:
            chosen = [c for c in chosen if c != "WESTERN-EUROPE"] + list(
                importer.WESTERN_EUROPE)
        rows = importer.read(table)
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
        for found in importer.formations(rows, chosen, since, rules):
            for line in found.said():
                click.echo(line, err=True)
            if found.instance is None:
                skipped += 1
                continue
            write_whole(importer.path_in(target, found), importer.to_yaml(found))
            written += 1
        click.echo(f"{written} formation{'s' if written != 1 else ''} written to {folder}"
                   + (f"; {skipped} skipped (said above)" if skipped else ""))
        return 0 if written else 4

    run_command(work)


@click.command("dataset")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--out", required=True, metavar="FILE.csv|.parquet",
              help="Write the rows here, whole or not at all.")
@options.engine_options
def dataset(paths: tuple[str, ...], out: str, engine: options.Engine) -> None:
    """One row per potential government per formation (PATH: instance files, or folders of
    them), with the attributes coalition theories read and `formed`."""

    def work() -> int:
        from ..record.dataset import Output, build

        formations = rows = 0
        with Output(out) as target:
            for found in build(paths, workers=engine.workers, dask=engine.dask,
                               spreadsheet=not target.parquet):
                target.write(found)
                formations += 1
                rows += found.count
                for problem in found.problems:
                    click.echo(problem, err=True)
        click.echo(f"{rows:,} potential governments of {formations:,} formation"
                   f"{'s' if formations != 1 else ''} written to {out}", err=True)
        return 0

    run_command(work)


@click.command("theories")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@options.engine_options
def theories(paths: tuple[str, ...], engine: options.Engine) -> None:
    """How often the classic coalition theories predict the cabinet that formed, against
    chance, per country and overall; and a conditional logit of the cabinet formed on its
    attributes (PATH: instance files with recorded outcomes, or folders of them)."""

    def work() -> int:
        from ..record.dataset import build
        from ..record.theories import conditional_logit, score, theories_table

        record = score(build(paths, workers=engine.workers, dask=engine.dask))
        click.echo(theories_table(record, conditional_logit(record)), nl=False)
        return 0

    run_command(work)


@click.command("fit")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--out", metavar="MODEL.json", help="Write the fitted model here (whole or not "
                                                  "at all); give it to --model.")
@click.option("--attributes", "names", metavar="NAME,NAME...",
              help="The attributes to fit (default: the shipped model's).")
@click.option("--validate", is_flag=True,
              help="Also predict formations the fit did not see: each country from the others, "
                   "and from 2005 on from the years before; against the classic rules.")
@click.option("--data", "about", metavar="TEXT", default="",
              help="What the formations are (the table, its release), kept in the model file.")
def fit(paths: tuple[str, ...], out: str | None, names: str | None, validate: bool,
        about: str) -> None:
    """The formation model (a conditional logit over each formation's feasible cabinets),
    fitted to its maximum on the formations in PATH (instance files with a recorded cabinet,
    as `allocator parlgov` writes them, or folders of them)."""
    from ..likely.attributes import CHOSEN, NAMES

    chosen = options.listed((names,)) if names else CHOSEN
    unknown = [n for n in chosen if n not in NAMES]
    if unknown:
        raise click.BadParameter(f"unknown attribute {', '.join(unknown)} (known: "
                                 f"{', '.join(NAMES)})", param_hint="--attributes")

    def work() -> int:
        from ..record import fitting

        def said(line: str) -> None:
            click.echo(line, err=True)

        formations = fitting.read(paths, said)
        model = fitting.model_of([f.sample() for f in formations], chosen,
                                 about or fitting.data_of(paths))
        click.echo("\n".join(fitting.fit_lines(model)))
        if validate:
            results = fitting.validate(formations, chosen)
            click.echo("\n".join(fitting.validation_lines(results)))
            model = model.model_copy(update={"validation": fitting.validation_figures(results)})
        if out is not None:
            write_whole(out, model.to_json())
        return 0

    run_command(work)


@click.command("predict")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@options.MODEL
def predict(paths: tuple[str, ...], model: FormationModel | None) -> None:
    """How well the formation model predicts the formations in PATH (instance files with a
    recorded cabinet, or folders of them; formations it was not fitted on): where it ranks the
    cabinet that formed, beside the classic rules, formation by formation and in all."""

    def work() -> int:
        from ..likely.model import shipped
        from ..record import fitting

        def said(line: str) -> None:
            click.echo(line, err=True)

        formations = list(fitting.formations(paths, said))
        if not formations:
            raise UsageError("predict: no formation with a recorded cabinet in "
                             + ", ".join(paths))
        scores, rows = fitting.predicted(formations, model or shipped())
        click.echo("\n".join(fitting.predicted_lines(scores, rows)))
        return 0

    run_command(work)
