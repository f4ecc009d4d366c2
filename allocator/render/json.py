"""Results -> JSON (SPEC §5): one document, or JSON lines (an item per line, then a summary
line). Pure functions of a result: the same result always renders to the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..instance.schema import Instance
from ..solving.result import (
    Allocation,
    Coalition,
    Deadlock,
    Explanation,
    Level,
    Result,
    Summary,
)
from .views import FORMS, shows_abstain

if TYPE_CHECKING:  # the renderers read the listing's rows; they never run a solver
    from ..solving.coalitions import Analysed


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
    if shows_abstain(investiture):
        out["abstain"] = list(item.abstain)
    out.update(opposition=list(item.opposition), posts=posts, portfolios=portfolios,
               programme=list(item.programme), form=item.form, seats=item.seats)
    if item.probability is not None:
        out["probability"] = item.probability
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
                scenario: str | None, level: Level = "coalition") -> Iterator[str]:
    """The JSON document of a streamed listing: the items (already JSON) as they come, then the
    verdict (`status`, `complete`, `count`, `deadlock` follow the list, since they are known
    only at its end)."""
    investiture = problem.government.investiture
    head = {"instance": problem.name, "scenario": scenario, "level": level}
    key = "allocations" if level == "allocation" else "coalitions"
    yield json.dumps(head, ensure_ascii=False)[:-1] + f', "{key}": ['
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
_Pieces = tuple[list[str], list[tuple[str, list[tuple[str, list[bool], bool]]]], str]


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
        self.posts = [text(p) for p in problem.cabinet.every_post]
        #: which of them a supporter may hold (posts outside cabinet)
        self.outside = [p in problem.cabinet.outside for p in problem.cabinet.every_post]
        self.portfolios = [text(p) for p in problem.cabinet.portfolios]
        self.abstain = shows_abstain(problem.government.investiture)
        self._ranges: dict[tuple[int, int], str] = {}
        self._tails: dict[tuple[tuple[str, ...], str, int], str] = {}
        self._candidates: dict[int, tuple[Analysed, _Pieces]] = {}

    def line(self, analysed: Analysed, roles: tuple[int, ...],
             probability: float | None = None) -> str:
        names = self.names
        ranges, tables, tail = self._pieces(analysed)
        groups: tuple[list[int], ...] = ([], [], [], [])
        for i, r in enumerate(roles):
            groups[r].append(i)
        cabinet = groups[0]
        involved = sorted(cabinet + groups[1])
        parts = ['{"cabinet": {', ", ".join([ranges[i] for i in cabinet]), '}, "support": [',
                 ", ".join([names[i] for i in groups[1]]), "], "]
        if self.abstain:
            parts += ['"abstain": [', ", ".join([names[i] for i in groups[2]]), "], "]
        parts += ['"opposition": [', ", ".join([names[i] for i in groups[3]]), "], "]
        for key, labels in tables:
            parts += [key, ", ".join([label + ", ".join([names[i] for i in (
                involved if outside else cabinet) if able[i]]) + "]"
                for label, able, outside in labels]), "}, "]
        parts.append(tail)
        if probability is not None:  # as item_dict puts it: the last key
            parts[-1] = tail[:-1] + f', "probability": {json.dumps(probability)}}}'
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
        tables = [(f'"{key}": {{', [(f"{label}: [", [slot in able for slot in slots], outside)
                                    for label, able, outside in zip(labels, ables, kinds,
                                                                    strict=True)])
                  for key, labels, ables, kinds in (
                      ("posts", self.posts, answer.posts, self.outside),
                      ("portfolios", self.portfolios, answer.portfolios,
                       [False] * len(self.portfolios)))]
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
        **_likely_dict(explanation, investiture),
    }


def _likely_dict(explanation: Explanation, investiture: str) -> dict[str, Any]:
    """A possible why-not: how likely its cabinet is, and its sensible deal."""
    out: dict[str, Any] = {}
    if explanation.likelihood is not None:
        probability, rank, cabinets = explanation.likelihood
        out["likely"] = {"probability": probability, "rank": rank, "cabinets": cabinets}
    if explanation.example is not None:
        out["example"] = item_dict(explanation.example, investiture)
    return out
