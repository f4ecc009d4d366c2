"""Results -> text for people: tables, counts and summaries, explanations (SPEC §5 `table`).
Pure functions of a result; on a terminal, `for_terminal` colours the verdict and wraps.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from ..instance.schema import Instance
from ..solving.result import (
    FEW_PARTIES,
    SHOWN,
    Allocation,
    Coalition,
    Deadlock,
    Explanation,
    Form,
    Result,
    Summary,
)
from .views import (
    FORMS,
    cabinet_cell,
    example_line,
    holders,
    ordinal,
    percent,
    shows_abstain,
    status_line,
)


def to_table(result: Result, note: str = "", width: int | None = None) -> str:
    """For people: the verdict, the explanation with the demands' texts, the aligned list
    (fitted to `width` columns, a terminal's, where given)."""
    lines = _head_lines(result, note)
    if result.items:
        lines += ["", *aligned(*_table_rows(result.items, result.investiture), width=width)]
    return "\n".join(lines) + "\n"


def _head_lines(result: Result, note: str) -> list[str]:
    """What every table starts with: the title, the verdict, a note, the deadlock's
    explanation."""
    lines = [_title(result), status_line(result)]
    if note:
        lines.append(note)
    if result.deadlock is not None:
        lines += deadlock_lines(result.deadlock, result.instance)
    return lines


def _title(result: Result) -> str:
    return result.instance.name + (f" (scenario {result.scenario})" if result.scenario else "")


#: a cell of figures: a count (1,234), a signed number (+0.5), a share (12.5%, <0.1%) or a
#: range of shares
_FIGURE = re.compile(r"^[+-]?[<>]?[\d,.]+%?(-[<>]?[\d,.]+%?)?$")


def aligned(header: list[object], rows: list[list[object]], figures: bool = False,
            width: int | None = None) -> list[str]:
    """Columns padded to their widest cell; with `figures`, columns of numbers flush right
    ("-", nothing to show, among them). With `width` (a terminal's) and a table wider than
    it, the widest columns wrap inside their cells, between words (`fitted`)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    right = [figures and any(str(r[i]) != "-" for r in rows)
             and all(str(r[i]) == "-" or _FIGURE.match(str(r[i])) for r in rows)
             for i in range(len(header))]
    if width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        return fitted(header, rows, right, width)
    return ["  ".join(str(cell).rjust(width) if flush else str(cell).ljust(width)
                      for cell, width, flush in zip(row, widths, right, strict=True)).rstrip()
            for row in [header, *rows]]


def fitted(header: list[object], rows: list[list[object]], right: list[bool], width: int
           ) -> list[str]:
    """A table laid out by `rich` within `width` columns: each column as narrow as its cells
    allow but never narrower than its longest word, the text of the widest wrapped between
    words, the columns two spaces apart, without borders or colour. (A table whose longest
    words alone are wider than the terminal stays wider: a word is never cut.)"""
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0),
                  header_style="", show_header=True)
    least = 0
    for i, (head, flush) in enumerate(zip(header, right, strict=True)):
        longest = max(len(word) for cell in [head, *(r[i] for r in rows)]
                      for word in [*str(cell).split(), ""])
        table.add_column(str(head), justify="right" if flush else "left", overflow="fold",
                         min_width=longest)
        least += longest + 2
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console = Console(width=max(width, least + 2), file=io.StringIO(), color_system=None,
                      highlight=False, emoji=False, markup=False)
    with console.capture() as captured:
        console.print(table)
    return [line.rstrip() for line in captured.get().rstrip("\n").split("\n")]


def _table_rows(items: Sequence[Allocation | Coalition], investiture: str
                ) -> tuple[list[object], list[list[object]]]:
    first = items[0]
    abstain = shows_abstain(investiture)
    ranked = first.probability is not None
    header: list[object] = ["#", *(["probability"] if ranked else []), "cabinet", "support",
                            *(["abstain"] if abstain else []), "form", "seats", *first.posts,
                            *first.portfolios, "programme"]
    rows: list[list[object]] = []
    for number, item in enumerate(items, 1):
        rows.append([number, *([percent(item.probability or 0.0)] if ranked else []),
                     cabinet_cell(item), ", ".join(item.support) or "-",
                     *([", ".join(item.abstain) or "-"] if abstain else []),
                     item.form, item.seats, *holders(item), ", ".join(item.programme) or "-"])
    return header, rows


def census_table(result: Result, summary: Summary, note: str = "",
                 width: int | None = None) -> str:
    """The counts (and the summary) for people."""
    lines = _head_lines(result, note)
    if summary.counts:
        lines += ["", "Coalitions by number of cabinet parties and form:",
                  *count_lines(summary)]
        lines += ["", f"{sum(summary.allocations.values()):,} allocations in all."
                  if summary.allocations is not None else
                  "Allocations are not counted: a demand on members, posts or portfolios "
                  "shapes them,\nand counting them would mean listing them."]
    if summary.parties and summary.total:
        lines += _summary_lines(result, summary, width)
    return "\n".join(lines) + "\n"


def count_lines(summary: Summary) -> list[str]:
    allocations = summary.allocations

    def cells(counts: dict[tuple[int, Form], int], sizes: Sequence[int]) -> list[str]:
        mine = [sum(v for (k, f), v in counts.items() if k in sizes and f == form)
                for form in FORMS]
        return [f"{v:,}" for v in [*mine, sum(mine)]]

    sizes = sorted({size for size, _ in summary.counts})
    header: list[object] = ["cabinet parties", "majority", "minority", "total",
                            *(["allocations"] if allocations is not None else [])]
    rows: list[list[object]] = []
    for label, chosen in [*((str(size), [size]) for size in sizes), ("all", sizes)]:
        rows.append([label, *cells(summary.counts, chosen),
                     *([cells(allocations, chosen)[-1]] if allocations is not None else [])])
    return aligned(header, rows, True)


def _summary_lines(result: Result, summary: Summary, width: int | None) -> list[str]:
    investiture = result.investiture
    abstain = shows_abstain(investiture)
    seats = {p.id: p.seats for p in result.instance.parties}
    header: list[object] = ["party", "seats", "cabinet", "support",
                            *(["abstain"] if abstain else []), "pivotal"]
    rows: list[list[object]] = [
        [p, seats[p], f"{f.cabinet:,}", f"{f.support:,}",
         *([f"{f.abstain:,}"] if abstain else []), f"{f.pivotal:,}"]
        for p, f in summary.parties.items()]
    lines = ["", "In how many of them each party sits in cabinet, supports"
             + (", abstains" if abstain else "") + ", and is pivotal (the government fails "
             "without it):", *aligned(header, rows, True, width)]
    for title, items in (
            (f"Smallest governments ({summary.smallest[0].seats} seats behind them)",
             summary.smallest),
            (f"Largest governments ({summary.largest[0].seats} seats behind them)",
             summary.largest)):
        shown = "" if len(items) < SHOWN else f", the first {SHOWN}"
        lines += ["", f"{title}{shown}:", *aligned(*_table_rows(items, investiture),
                                                    width=width)]
    if summary.few:
        shown = "" if summary.few_complete else f", the first {len(summary.few)}"
        lines += ["", f"Governments of at most {FEW_PARTIES} parties{shown}:",
                  *aligned(*_table_rows(summary.few, investiture), width=width)]
    else:
        lines += ["", f"No government of at most {FEW_PARTIES} parties."]
    return lines


# --- on a terminal --------------------------------------------------------------------------------

#: the verdict's colour on a terminal (ANSI: green, red, yellow)
VERDICT_COLOURS = {"feasible": "32", "deadlock": "31", "unknown": "33", "not possible": "31",
                   "It is possible": "32"}


def for_terminal(text: str, width: int) -> str:
    """A table or explanation as a terminal shows it best: the verdict (the second line) in
    colour, and indented lines (demand texts, examples) wrapped to `width` under their own
    indent. Only for a terminal: piped or written to a file, the text stays as it is, one
    line per demand, so that nothing a script reads is cut or coloured."""
    out = []
    for number, line in enumerate(text.split("\n")):
        colour = next((c for word, c in VERDICT_COLOURS.items() if line.startswith(word)), None)
        if number == 1 and colour:
            out.append(f"\033[{colour}m{line}\033[0m")
        elif line.startswith("  ") and len(line) > width:
            indent = " " * (len(line) - len(line.lstrip()))
            out += textwrap.wrap(line.lstrip(), width, initial_indent=indent,
                                 subsequent_indent=indent + "    ", break_long_words=False,
                                 break_on_hyphens=False)
        else:
            out.append(line)
    return "\n".join(out)


# --- explanations for people ------------------------------------------------------------------


def _demand_lines(ids: Sequence[str], problem: Instance, indent: str) -> list[str]:
    """The demands with their texts and sources, grouped by the parties that stated them."""
    demands = {d.key: d for d in problem.demands}
    order = {p: i for i, p in enumerate(problem.party_ids)}
    groups: dict[tuple[str, ...], list[str]] = {}
    for did in ids:
        d = demands[did]
        said = f": {d.text}" if d.text else ""
        source = f" [{d.source}]" if d.source else ""
        who = tuple(d.stated_by)
        groups.setdefault(who, []).append(f"{indent}  {did}{said}{source}")
    lines = []
    for who in sorted(groups, key=lambda w: [order[p] for p in w] or [len(order)]):
        lines += [f"{indent}{', '.join(who) or '(no party)'}", *groups[who]]
    return lines




def deadlock_lines(deadlock: Deadlock, problem: Instance) -> list[str]:
    if not deadlock.conflict and not deadlock.relaxations:
        if not deadlock.complete:
            return ["", f"The explanation was cut short: {deadlock.message}."]
        return ["", f"No demand that could be dropped is to blame: {deadlock.message}."]
    n = len(deadlock.conflict)
    lines = ["", f"Minimal conflict: these {n} demands cannot all hold; without any one of them "
             "the rest can." if n > 1 else "Minimal conflict: this demand alone rules it out "
             "(beside the base rules and any fixed demands)."]
    lines += _demand_lines(deadlock.conflict, problem, "  ")
    lines += ["", _relaxations_header(deadlock)]
    parties = {d.key: d.stated_by for d in problem.demands}
    for number, relaxation in enumerate(deadlock.relaxations, 1):
        dropped = ", ".join(f"{did} ({', '.join(parties[did])})" if parties[did] else did
                            for did in relaxation.drop)
        lines += [f"  {number}. drop {dropped}",
                  f"     for example: {example_line(relaxation.example)}"]
    if not deadlock.complete:
        lines.append(f"  ... {deadlock.message}")
    return lines


def _relaxations_header(deadlock: Deadlock) -> str:
    ways = len(deadlock.relaxations)
    if not ways:
        return "Smallest relaxations: none found before the explanation was cut short."
    size = len(deadlock.relaxations[0].drop)
    counted = f"{ways} way{'s' if ways != 1 else ''}" if deadlock.complete else (
        f"at least {ways} way{'s' if ways != 1 else ''} (not all listed)")
    return (f"Smallest relaxations: {counted} to unlock a deal by dropping {size} "
            f"demand{'s' if size != 1 else ''}.")


def explanation_table(explanation: Explanation) -> str:
    problem = explanation.instance
    title = problem.name + (f" (scenario {explanation.scenario})"
                            if explanation.scenario else "")
    lines = [title]
    if explanation.question:
        lines.append(f"Why not {explanation.question.words()}?")
    if explanation.feasible is None:
        lines.append(f"unknown: the {explanation.stopped_by} came before the answer")
    elif not explanation.feasible:
        lines.append("not possible: no allocation of it satisfies every demand (proven)"
                     if explanation.question else
                     "deadlock: no allocation satisfies every demand (proven)")
        assert explanation.deadlock is not None
        lines += deadlock_lines(explanation.deadlock, problem)
    elif explanation.question:
        lines.append("It is possible: at least one allocation satisfies every demand "
                     "(allocator solve lists them).")
        lines += _likely_lines(explanation)
    else:
        lines.append("feasible: the demands can all hold together.")
        lines += _binding_lines(explanation)
    return "\n".join(lines) + "\n"


def _likely_lines(explanation: Explanation) -> list[str]:
    """How likely a possible why-not's cabinet is, and its sensible deal."""
    lines = []
    if explanation.likelihood is not None:
        probability, rank, cabinets = explanation.likelihood
        lines.append(f"Its cabinet is the {ordinal(rank)} most likely of the {cabinets:,} "
                     f"possible cabinets ({percent(probability)}, by the formation model).")
    if explanation.example is not None:
        lines.append(f"For example: {example_line(explanation.example)}")
    return lines


def _binding_lines(explanation: Explanation) -> list[str]:
    problem = explanation.instance
    binding = list(explanation.binding or ())
    lines = []
    if binding:
        lines += ["", "Binding demands (dropping any one of them would allow more deals):"]
        lines += _demand_lines(binding, problem, "  ")
    loose = [d.key for d in problem.demands if not d.fixed and d.key not in binding
             and d.key not in explanation.undecided]
    if loose:
        lines += ["", "Not binding (dropping one alone changes nothing):"]
        lines += _demand_lines(loose, problem, "  ")
    if explanation.undecided:
        why = (f"the {explanation.stopped_by} came first" if explanation.stopped_by else
               "too many deals to compare one by one; no difference between the coalitions "
               "they allow")
        lines += ["", f"Undecided ({why}):"]
        lines += _demand_lines(explanation.undecided, problem, "  ")
    return lines
