"""Results -> text: JSON, JSON lines, CSV and a table for people (SPEC §5).

Pure functions of a `Result`: the same result always renders to the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..instance.schema import Instance
from ..solving.result import (
    FEW_PARTIES,
    SHOWN,
    Allocation,
    Coalition,
    Deadlock,
    Explanation,
    Form,
    Level,
    Result,
    Summary,
)

if TYPE_CHECKING:  # the renderers read the listing's rows; they never run a solver
    from ..solving.coalitions import Analysed

FORMATS = ("table", "json", "jsonl", "csv")
FORMS: tuple[Form, ...] = ("majority", "minority")


def _with_abstain(investiture: str) -> bool:
    """`abstain` is shown only where the investiture rule lets anyone abstain."""
    return investiture != "absolute"


def item_dict(item: Allocation | Coalition, investiture: str) -> dict[str, Any]:
    if isinstance(item, Allocation):
        cabinet: dict[str, Any] = dict(item.cabinet)
        posts: dict[str, Any] = dict(item.posts)
        portfolios: dict[str, Any] = dict(item.portfolios)
    else:
        cabinet = {p: {"min": r.min, "max": r.max} for p, r in item.cabinet.items()}
        posts = {k: list(v) for k, v in item.posts.items()}
        portfolios = {k: list(v) for k, v in item.portfolios.items()}
    out: dict[str, Any] = {"cabinet": cabinet, "support": list(item.support)}
    if _with_abstain(investiture):
        out["abstain"] = list(item.abstain)
    out.update(opposition=list(item.opposition), posts=posts, portfolios=portfolios,
               programme=list(item.programme), form=item.form, seats=item.seats)
    return out


def summary_dict(result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {"instance": result.instance.name, "scenario": result.scenario}
    if result.level == "coalition":
        out["level"] = "coalition"
    out.update(status=result.status, complete=result.complete, count=result.count)
    return out


def deadlock_dict(deadlock: Deadlock | None, investiture: str) -> dict[str, Any] | None:
    """SPEC §5's deadlock object, plus `complete` (False when the relaxations were cut short)
    and `message` (why the lists are empty, or where they were cut)."""
    if deadlock is None:
        return None
    return {
        "conflict": list(deadlock.conflict),
        "relaxations": [{"drop": list(r.drop), "example": item_dict(r.example, investiture)}
                        for r in deadlock.relaxations],
        "complete": deadlock.complete,
        "message": deadlock.message,
    }


def json_chunks(result: Result) -> Iterator[str]:
    """The JSON document in pieces, so a million coalitions never sit in one string."""
    head = json.dumps(summary_dict(result), ensure_ascii=False)[:-1]
    key = "allocations" if result.level == "allocation" else "coalitions"
    yield f'{head}, "{key}": ['
    for i, item in enumerate(result.items):
        yield (", " if i else "") + json.dumps(item_dict(item, result.investiture),
                                               ensure_ascii=False)
    deadlock = deadlock_dict(result.deadlock, result.investiture)
    yield f'], "deadlock": {json.dumps(deadlock, ensure_ascii=False)}}}\n'


def json_stream(lines: Iterable[str], finish: Callable[[], Result], problem: Instance,
                scenario: str | None) -> Iterator[str]:
    """The JSON document of a streamed listing: the items (already JSON) as they come, then the
    verdict (`status`, `complete`, `count`, `deadlock` follow the list, since they are known
    only at its end)."""
    investiture = problem.government.investiture
    head = {"instance": problem.name, "scenario": scenario, "level": "coalition"}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "coalitions": ['
    for i, line in enumerate(lines):
        yield (", " if i else "") + line
    result = finish()
    tail = {k: v for k, v in summary_dict(result).items() if k not in head}
    tail["deadlock"] = deadlock_dict(result.deadlock, investiture)
    yield "], " + json.dumps(tail, ensure_ascii=False)[1:] + "\n"


def jsonl_stream(lines: Iterable[str], finish: Callable[[], Result]) -> Iterator[str]:
    """One line per item as it comes (already JSON), then the summary line."""
    for line in lines:
        yield line + "\n"
    yield jsonl_summary(finish())


#: a candidate's shared text: per party its member range, per post and portfolio table (its
#: opening, and per entry the opening and who can hold it), and the tail
_Pieces = tuple[list[str], list[tuple[str, list[tuple[str, list[bool]]]]], str]


class CoalitionJson:
    """The JSON of streamed coalitions, straight from the listing's rows: the same text as
    `json.dumps(item_dict(coalition))`, built from pieces cached per analysis (member ranges,
    programme, form and seats are shared by every coalition of a candidate), which makes it
    several times faster. tests/test_scale.py holds it to the slow path."""

    def __init__(self, problem: Instance) -> None:
        def text(value: object) -> str:
            return json.dumps(value, ensure_ascii=False)

        self._text = text
        self.names = [text(p) for p in problem.party_ids]
        self.posts = [text(p) for p in problem.cabinet.all_posts]
        self.portfolios = [text(p) for p in problem.cabinet.portfolios]
        self.abstain = _with_abstain(problem.government.investiture)
        self._ranges: dict[tuple[int, int], str] = {}
        self._tails: dict[tuple[tuple[str, ...], str, int], str] = {}
        self._candidates: dict[int, tuple[Analysed, _Pieces]] = {}

    def line(self, analysed: Analysed, roles: tuple[int, ...]) -> str:
        names = self.names
        ranges, tables, tail = self._pieces(analysed)
        groups: tuple[list[int], ...] = ([], [], [], [])
        for i, r in enumerate(roles):
            groups[r].append(i)
        cabinet = groups[0]
        parts = ['{"cabinet": {', ", ".join([ranges[i] for i in cabinet]), '}, "support": [',
                 ", ".join([names[i] for i in groups[1]]), "], "]
        if self.abstain:
            parts += ['"abstain": [', ", ".join([names[i] for i in groups[2]]), "], "]
        parts += ['"opposition": [', ", ".join([names[i] for i in groups[3]]), "], "]
        for key, labels in tables:
            parts += [key, ", ".join([label + ", ".join([names[i] for i in cabinet if able[i]])
                                      + "]" for label, able in labels]), "}, "]
        parts.append(tail)
        return "".join(parts)

    def _pieces(self, analysed: Analysed) -> _Pieces:
        """What every coalition of a candidate shares, as text: `"party": {"min": .., "max":
        ..}` per party, per post and portfolio who can hold it, and the tail. Kept for the
        candidates of one cabinet size at a time (ids are only unique among live objects, so
        the candidate itself is kept beside)."""
        cached = self._candidates.get(id(analysed))
        if cached is not None and cached[0] is analysed:
            return cached[1]
        if len(self._candidates) > 4096:
            self._candidates.clear()
        answer, slots = analysed.answer, analysed.slots
        ranges = [f"{name}: {self._range(answer, slots[i])}" if slots[i] in answer.ranges
                  else "" for i, name in enumerate(self.names)]
        tables = [(f'"{key}": {{', [(f"{label}: [", [slot in able for slot in slots])
                                    for label, able in zip(labels, ables, strict=True)])
                  for key, labels, ables in (("posts", self.posts, answer.posts),
                                             ("portfolios", self.portfolios,
                                              answer.portfolios))]
        pieces = (ranges, tables, self._tail(analysed))
        self._candidates[id(analysed)] = (analysed, pieces)
        return pieces

    def _range(self, answer: Any, slot: int) -> str:
        key = (id(answer), slot)
        if key not in self._ranges:
            r = answer.ranges[slot]
            self._ranges[key] = f"{{\"min\": {r.min}, \"max\": {r.max}}}"
        return self._ranges[key]

    def _tail(self, analysed: Analysed) -> str:
        key = (analysed.programme, analysed.form, analysed.seats)
        if key not in self._tails:
            self._tails[key] = (f"\"programme\": {self._text(list(analysed.programme))}, "
                                f"\"form\": \"{analysed.form}\", \"seats\": {analysed.seats}}}")
        return self._tails[key]


def to_json(result: Result) -> str:
    return "".join(json_chunks(result))


def jsonl_line(item: Allocation | Coalition, investiture: str) -> str:
    return json.dumps(item_dict(item, investiture), ensure_ascii=False) + "\n"


def jsonl_summary(result: Result) -> str:
    """The last line of a JSON-lines stream: the result without its items."""
    return json.dumps({"summary": True, **summary_dict(result),
                       "deadlock": deadlock_dict(result.deadlock, result.investiture)},
                      ensure_ascii=False) + "\n"


def _columns(level: Level, investiture: str, parties: list[str], posts: list[str],
             portfolios: list[str]) -> list[str]:
    roles = ["cabinet", "support"] + (["abstain"] if _with_abstain(investiture) else [])
    if level == "allocation":
        split = [f"n:{p}" for p in parties]
    else:
        split = [f"{bound}:{p}" for p in parties for bound in ("min", "max")]
    return [*roles, "opposition", *split, *(f"post:{p}" for p in posts),
            *(f"portfolio:{p}" for p in portfolios), "programme", "form", "seats"]


def _flat_row(item: Allocation | Coalition, parties: list[str], investiture: str
              ) -> dict[str, Any]:
    row: dict[str, Any] = {
        "cabinet": "+".join(item.cabinet), "support": "+".join(item.support),
        "abstain": "+".join(item.abstain), "opposition": "+".join(item.opposition),
        "programme": "+".join(item.programme), "form": item.form, "seats": item.seats,
    }
    for p in parties:
        if isinstance(item, Allocation):
            row[f"n:{p}"] = item.cabinet.get(p, 0)
        else:
            r = item.cabinet.get(p)
            row[f"min:{p}"], row[f"max:{p}"] = (r.min, r.max) if r else (0, 0)
    for kind, table in (("post", item.posts), ("portfolio", item.portfolios)):
        for name, holder in table.items():
            row[f"{kind}:{name}"] = holder if isinstance(holder, str) else "+".join(holder)
    return row


def csv_stream(items: Iterable[Allocation | Coalition], problem: Instance, level: Level
               ) -> Iterator[str]:
    """One flat row per allocation (or coalition) as it comes; several parties are joined
    with `+`."""
    buffer = io.StringIO()
    parties = problem.party_ids
    investiture = problem.government.investiture
    columns = _columns(level, investiture, parties, problem.cabinet.all_posts,
                       list(problem.cabinet.portfolios))
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow(_flat_row(item, parties, investiture))
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(result: Result) -> str:
    return "".join(csv_stream(result.items, result.instance, result.level))


# --- the table for people -------------------------------------------------------------------------


def status_line(result: Result) -> str:
    noun = "allocation" if result.level == "allocation" else "coalition"
    plural = f"{result.count} {noun}{'' if result.count == 1 else 's'}"
    if result.status == "deadlock":
        return "deadlock: no allocation satisfies every demand (proven)"
    if result.status == "unknown":
        return (f"unknown: the {result.stopped_by or 'search'} ended the search before any "
                f"{noun} was found or deadlock was proven")
    if result.complete:
        return f"feasible: {plural}, complete"
    return f"feasible: {plural} found; INCOMPLETE, the {result.stopped_by} cut the search short"


def to_table(result: Result, note: str = "") -> str:
    """For people: the verdict, the explanation with the demands' texts, the aligned list."""
    lines = _head_lines(result, note)
    if result.items:
        lines += ["", *aligned(*_table_rows(result.items, result.investiture))]
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


#: a cell of figures: a count (1,234), a share (12.5%, <0.1%) or a range of shares
_FIGURE = re.compile(r"^[<>]?[\d,.]+%?(-[<>]?[\d,.]+%?)?$")


def aligned(header: list[object], rows: list[list[object]], figures: bool = False
             ) -> list[str]:
    """Columns padded to their widest cell; with `figures`, columns of numbers flush right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    right = [figures and all(_FIGURE.match(str(r[i])) for r in rows)
             for i in range(len(header))]
    return ["  ".join(str(cell).rjust(width) if flush else str(cell).ljust(width)
                      for cell, width, flush in zip(row, widths, right, strict=True)).rstrip()
            for row in [header, *rows]]


def _table_rows(items: Sequence[Allocation | Coalition], investiture: str
                ) -> tuple[list[object], list[list[object]]]:
    first = items[0]
    abstain = _with_abstain(investiture)
    header: list[object] = ["#", "cabinet", "support", *(["abstain"] if abstain else []),
                            "form", "seats", *first.posts, *first.portfolios, "programme"]
    rows: list[list[object]] = []
    for number, item in enumerate(items, 1):
        if isinstance(item, Allocation):
            cabinet = ", ".join(f"{p} {n}" for p, n in item.cabinet.items())
            holders = [*item.posts.values(), *item.portfolios.values()]
        else:
            cabinet = ", ".join(
                f"{p} {r.min}" if r.min == r.max else f"{p} {r.min}-{r.max}"
                for p, r in item.cabinet.items()
            )
            holders = ["/".join(h) for h in [*item.posts.values(), *item.portfolios.values()]]
        rows.append([number, cabinet, ", ".join(item.support) or "-",
                     *([", ".join(item.abstain) or "-"] if abstain else []),
                     item.form, item.seats, *holders, ", ".join(item.programme) or "-"])
    return header, rows


# --- counts and summaries (solve --count, --summary) ---------------------------------------------


def census_dict(result: Result, summary: Summary) -> dict[str, Any]:
    """`--count` (and with per-party figures and short lists, `--summary`) as one object."""
    investiture = result.investiture
    out = summary_dict(result)
    out["allocations"] = (None if summary.allocations is None
                          else sum(summary.allocations.values()))
    out["by_size"] = _by_size(summary)
    if summary.parties:
        out["parties"] = {p: vars(f) for p, f in summary.parties.items()}
        out["smallest"] = [item_dict(c, investiture) for c in summary.smallest]
        out["largest"] = [item_dict(c, investiture) for c in summary.largest]
        out["few_parties"] = [item_dict(c, investiture) for c in summary.few]
        out["few_parties_complete"] = summary.few_complete
    out["deadlock"] = deadlock_dict(result.deadlock, investiture)
    return out


def _by_size(summary: Summary) -> list[dict[str, Any]]:
    """Per number of cabinet parties: how many coalitions of each form (and where they were
    countable, allocations: `{"majority": .., "minority": ..}`)."""
    sizes = sorted({size for size, _ in summary.counts})
    rows: list[dict[str, Any]] = []
    for size in sizes:
        row: dict[str, Any] = {"cabinet_parties": size}
        row.update({form: summary.counts.get((size, form), 0) for form in FORMS})
        if summary.allocations is not None:
            row["allocations"] = {form: summary.allocations.get((size, form), 0)
                                  for form in FORMS}
        rows.append(row)
    return rows


def census_table(result: Result, summary: Summary, note: str = "") -> str:
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
        lines += _summary_lines(result, summary)
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


def _summary_lines(result: Result, summary: Summary) -> list[str]:
    investiture = result.investiture
    abstain = _with_abstain(investiture)
    seats = {p.id: p.seats for p in result.instance.parties}
    header: list[object] = ["party", "seats", "cabinet", "support",
                            *(["abstain"] if abstain else []), "pivotal"]
    rows: list[list[object]] = [
        [p, seats[p], f"{f.cabinet:,}", f"{f.support:,}",
         *([f"{f.abstain:,}"] if abstain else []), f"{f.pivotal:,}"]
        for p, f in summary.parties.items()]
    lines = ["", "In how many of them each party sits in cabinet, supports"
             + (", abstains" if abstain else "") + ", and is pivotal (the government fails "
             "without it):", *aligned(header, rows, True)]
    for title, items in (
            (f"Smallest governments ({summary.smallest[0].seats} seats behind them)",
             summary.smallest),
            (f"Largest governments ({summary.largest[0].seats} seats behind them)",
             summary.largest)):
        shown = "" if len(items) < SHOWN else f", the first {SHOWN}"
        lines += ["", f"{title}{shown}:", *aligned(*_table_rows(items, investiture))]
    if summary.few:
        shown = "" if summary.few_complete else f", the first {len(summary.few)}"
        lines += ["", f"Governments of at most {FEW_PARTIES} parties{shown}:",
                  *aligned(*_table_rows(summary.few, investiture))]
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


def example_line(item: Allocation) -> str:
    parts = ["cabinet " + ", ".join(f"{p} {n}" for p, n in item.cabinet.items())]
    if item.support:
        parts.append("support " + ", ".join(item.support))
    if item.abstain:
        parts.append("abstaining " + ", ".join(item.abstain))
    parts += [f"{post} {holder}" for post, holder in [*item.posts.items(),
                                                       *item.portfolios.items()]]
    if item.programme:
        parts.append("programme " + ", ".join(item.programme))
    return "; ".join(parts) + f" ({item.form}, {item.seats} seats)"


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


def explanation_dict(explanation: Explanation) -> dict[str, Any]:
    investiture = explanation.instance.government.investiture
    question = explanation.question
    return {
        "instance": explanation.instance.name, "scenario": explanation.scenario,
        "why_not": None if question is None else question.words(),
        "status": explanation.status, "complete": explanation.complete,
        "deadlock": deadlock_dict(explanation.deadlock, investiture),
        "binding": None if explanation.binding is None else list(explanation.binding),
        "undecided": list(explanation.undecided),
    }


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
    else:
        lines.append("feasible: the demands can all hold together.")
        lines += _binding_lines(explanation)
    return "\n".join(lines) + "\n"


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
