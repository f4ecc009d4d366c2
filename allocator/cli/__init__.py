"""The `allocator` command (SPEC §5): the last step of the pipeline, and the only one that exits.

One module per group of commands (`solving`: solve, explain; `power`: power; `checking`: check,
validate, schema; `pictures`: draw, report; `sweeping`: sweep; `record`: parlgov, dataset,
theories, fit, predict; `serving`: serve), the options they share declared once (`options`),
how every command runs (`running`: its clock, signals, errors and exit status) and what it shows
while it works (`progress`).

Exit status: 0 allocations found, 3 deadlock proven, 4 limit reached without an answer,
2 bad input or usage, 1 internal error; `check` exits 5 when an expectation fails. A mistake on
the command line itself is click's to show (with the usage); a mistake in what it names (a file,
a scenario, a party) is an `AllocatorError`, which shows itself. The commands that solve import
the solving modules (and OR-Tools, most of the start-up time) when they run: `validate`,
`schema` and `--help` never need them.

May import anything in allocator: it is the top of the house.
"""

from __future__ import annotations

import click

from . import checking, pictures, power, record, serving, solving, sweeping


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="allocator")
def main() -> None:
    """Who can govern a hung council or parliament: every feasible cabinet allocation, or a
    proof that none exists."""


for command in (solving.solve, solving.explain, power.power, pictures.draw, pictures.report,
                sweeping.sweep, record.parlgov, record.dataset, record.theories, record.fit,
                record.predict, serving.serve, checking.check, checking.validate, checking.schema):
    main.add_command(command)
