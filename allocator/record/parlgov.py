"""ParlGov's `view_cabinet` table -> one instance per election (`allocator parlgov`).

ParlGov (Döring & Manow, parlgov.org) has, per cabinet, one row per party in parliament: its
seats at the election, whether it sat in the cabinet, whether it held the prime minister, its
left-right position, and ids. Each election becomes one formation:

* **The cabinet** is the first formed after the election, in order of start date: a caretaker
  cabinet (the outgoing government carrying on under the new election's id) is skipped, and
  kept only when it is all there is.
* **The parties** are those with seats; a cabinet party without seats is kept, with 0 seats,
  and flagged (ParlGov files an electoral alliance's seats under one member). Pseudo-parties
  (`none`, `one-seat`, `etc`: independents, one-seat parties, others) are not parties: their
  seats are in the chamber's total, held by no listed party.
* `position` is ParlGov's `left_right` (0-10) where it has one; `government.investiture` is
  `negative` in Denmark, Norway and Sweden, whose governments need only not to be voted down
  (`NEGATIVE`; a user may say otherwise per country), `absolute` elsewhere.
* **The outcome** is the recorded cabinet, with the prime minister's party as `leader`, expected
  feasible. ParlGov has no cabinet sizes: the cabinet has one member per party at least and as
  many as there are parties at most, so that any set of parties fits.

Problems in the data are reported per formation, never passed over: cabinet parties without
seats, parties' seats adding up past the chamber (then the chamber is their sum), a prime
minister outside the cabinet parties, and non-partisan cabinets, which become cabinets of
non-party ministers (`cabinet.independents`, led by one of them).

The table is read as a stranger's file: within a size limit, every cell of the form its column
needs (`read`), a file's name made of the country code and the date only (`path_in`), text
from the table only ever in YAML strings and, like every message quoting it, `plain`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InstanceError, Problem, UsageError, shown
from ..files import read_text
from ..instance.loader import MAX_PROBLEMS, from_dict
from ..instance.transform import INDEPENDENT

PSEUDO_PARTIES = frozenset({"none", "one-seat", "etc"})
#: countries whose governments stand unless a majority votes against them
NEGATIVE = frozenset({"DNK", "NOR", "SWE"})
#: Western Europe, as the comparative literature on coalition formation takes it
WESTERN_EUROPE = ("AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL",
                  "ISL", "ITA", "LUX", "MLT", "NLD", "NOR", "PRT", "SWE")
COLUMNS = ("country_name_short", "country_name", "election_date", "start_date", "cabinet_name",
           "caretaker", "cabinet_party", "prime_minister", "seats", "election_seats_total",
           "party_name_short", "party_name", "party_name_english", "left_right", "country_id",
           "election_id", "cabinet_id", "previous_cabinet_id", "party_id")
Row = dict[str, str]
#: the most of a table that is read: ParlGov's whole view_cabinet has about 2 MB
MAX_TABLE = 20 * 1024 * 1024
#: the longest text a cell may hold (ParlGov's longest, a party's name, has 119 characters)
MAX_CELL = 1_000
#: the columns of whole numbers, and at most how many digits each may have
NUMBERS = {"seats": 6, "election_seats_total": 6, "country_id": 9, "election_id": 9,
           "cabinet_id": 9, "party_id": 9}
#: the columns of names the import copies (other columns have a form of their own)
TEXTS = ("country_name", "cabinet_name", "party_name_short", "party_name", "party_name_english")
#: the columns that say yes (1) or no (0)
FLAGS = ("caretaker", "cabinet_party", "prime_minister")
#: ParlGov's country codes (ISO 3166 alpha-3): the only part of a file name taken from the table
COUNTRY = re.compile(r"[A-Z]{3}")
#: a left-right position, written as decimals
POSITION = re.compile(r"[0-9]{1,2}(\.[0-9]{1,12})?")
#: what may not reach a terminal or a YAML comment: control characters (C0, DEL, C1) and the
#: line and paragraph separators YAML reads as line breaks
UNSAFE = frozenset({"Cc", "Zl", "Zp"})


@dataclass
class Formation:
    """One election and the cabinet formed after it: the instance (None when it cannot be
    expressed), and what was wrong with the data."""

    country: str
    election: datetime.date
    election_id: str
    cabinet: str
    instance: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The file's name, from the country code (checked: three capital letters) and the
        election's date, and nothing else from the table."""
        return f"{self.country.lower()}-{self.election.isoformat()}"

    def say(self, problem: str) -> None:
        """Note a problem of the data. It may quote the table, and is shown on a terminal and
        written into a YAML comment: it is kept `plain`."""
        self.problems.append(plain(problem))

    def said(self) -> Iterator[str]:
        for problem in self.problems:
            yield f"{self.slug} (ParlGov election {self.election_id}): {problem}"


def read(path: str) -> list[Row]:
    """The table's rows, every one checked for the columns the import reads: any problem
    refuses the whole table, each with its line and column (at most `MAX_PROBLEMS`)."""
    reader = csv.DictReader(io.StringIO(read_text(path, MAX_TABLE)))
    problems: list[Problem] = []
    rows = []
    try:
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InstanceError([Problem(
                f"not ParlGov's view_cabinet table: no column {', '.join(missing)}", file=path,
                line=1)], source=path)
        for row in reader:
            wrong = [Problem(m, file=path, line=reader.line_num) for m in _row_problems(row)]
            problems += wrong[:MAX_PROBLEMS - len(problems)]
            if not wrong:
                rows.append(row)
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:  # a cell past csv's limit of 131,072 characters, say
        problems.append(Problem(f"not a table that can be read ({exc}): is it ParlGov's "
                                "view_cabinet CSV?", file=path, line=reader.reader.line_num))
    if problems:
        raise InstanceError(problems, source=path)
    return rows


def _row_problems(row: Row) -> Iterator[str]:
    """What is wrong with a row, column by column, each with what would be right."""
    if None in row.values():
        yield "fewer values than the header has columns"
        return
    for column in TEXTS:
        if len(row[column]) > MAX_CELL:
            yield f"{column}: {len(row[column]):,} characters; at most {MAX_CELL:,} are read"
    yield from _form_problems(row)
    position = row["left_right"]
    if position and not (re.fullmatch(POSITION, position) and float(position) <= 10):
        yield (f"left_right: {shown(position)} is not a position (a number from 0 to 10, as "
               "6.25; empty where ParlGov has none)")
    for column in ("election_date", "start_date"):
        try:
            _date(row[column])
        except ValueError:
            yield f"{column}: {shown(row[column])} is not a date (dd/mm/yyyy)"


def _form_problems(row: Row) -> Iterator[str]:
    """What is wrong with the row's numbers, flags and country code."""
    for column, digits in NUMBERS.items():
        if not re.fullmatch(f"[0-9]{{1,{digits}}}", row[column]):
            yield (f"{column}: {shown(row[column])} is not a whole number (digits 0-9, "
                   f"at most {digits})")
    for column in FLAGS:
        if row[column] not in ("0", "1"):
            yield f"{column}: {shown(row[column])} is not 0 or 1"
    if not re.fullmatch(COUNTRY, row["country_name_short"]):
        yield (f"country_name_short: {shown(row['country_name_short'])} is not a country "
               "code (three capital letters, as ISO 3166: DEU)")


def _date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def formations(rows: Iterable[Row], countries: Sequence[str] = (), since: int | None = None,
               investiture: dict[str, str] | None = None) -> Iterator[Formation]:
    """Every election of these countries (all if none) from `since` on, in order of country
    and date, with its formation."""
    wanted = {c.upper() for c in countries}
    elections: dict[tuple[str, str], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(
        list))
    history: dict[str, list[Row]] = defaultdict(list)  # every cabinet, for the outgoing one
    for row in rows:
        history[row["cabinet_id"]].append(row)
        country = row["country_name_short"]
        if wanted and country not in wanted:
            continue
        if since is not None and _date(row["election_date"]).year < since:
            continue
        elections[(country, row["election_id"])][row["cabinet_id"]].append(row)
    rules = {c: "negative" for c in NEGATIVE} | (investiture or {})
    ordered = sorted(elections.items(),
                     key=lambda item: (item[0][0], _date(_first(item[1])["election_date"])))
    for (country, _), cabinets in ordered:
        yield formation(cabinets, rules.get(country, "absolute"), history)


def _first(cabinets: dict[str, list[Row]]) -> Row:
    return next(iter(cabinets.values()))[0]


def formation(cabinets: dict[str, list[Row]], rule: str,
              history: Mapping[str, list[Row]] | None = None) -> Formation:
    """The formation of one election from the rows of its cabinets (and, in `history`, every
    cabinet's rows by id, to find the outgoing government)."""
    ordered = sorted(cabinets.values(),
                     key=lambda rs: (_date(rs[0]["start_date"]), int(rs[0]["cabinet_id"])))
    partisan = [c for c in ordered if c[0]["caretaker"] != "1"]
    rows = (partisan or ordered)[0]
    head = rows[0]
    found = Formation(head["country_name_short"], _date(head["election_date"]),
                      head["election_id"], head["cabinet_name"])
    if not partisan:
        found.say(f"only a caretaker cabinet ({head['cabinet_name']}) followed "
                  "the election: it is the outcome")
    in_cabinet = [r for r in rows if r["cabinet_party"] == "1"
                  and r["party_name_short"] not in PSEUDO_PARTIES]
    found.instance = _instance(rows, in_cabinet, rule, found)
    if not in_cabinet:
        found.say(f"{head['cabinet_name']} is a non-partisan cabinet: recorded as a cabinet "
                  f"of non-party ministers (`{INDEPENDENT}`), one of them the leader")
        _non_partisan(found.instance)
    outgoing = (history or {}).get(head["previous_cabinet_id"], [])
    if outgoing:
        found.instance["previous"] = _previous(outgoing, rows, found.instance)
    try:
        from_dict(found.instance)
    except InstanceError as exc:
        for problem in exc.problems:
            found.say(f"not a valid instance, skipped: {problem.message}")
        found.instance = None
    return found


def _instance(rows: list[Row], in_cabinet: list[Row], rule: str,
              found: Formation) -> dict[str, Any]:
    """The formation's instance. Names from the table are `plain` (`solve` and `report` show
    them) and written as YAML strings, never as YAML of their own."""
    head = rows[0]
    ids = _ids(rows)
    listed = sorted((r for r in rows if r["party_name_short"] not in PSEUDO_PARTIES
                     and (int(r["seats"]) > 0 or r["cabinet_party"] == "1")),
                    key=lambda r: (-int(r["seats"]), r["party_name_short"]))
    for r in in_cabinet:
        if int(r["seats"]) == 0:
            found.say(f"cabinet party {r['party_name_short']} has no seats in "
                      "ParlGov (an alliance's seats filed under one member?): "
                      "kept with 0 seats")
    parties = []
    for r in listed:
        party: dict[str, Any] = {"id": ids[r["party_id"]],
                                 "name": plain(r["party_name_english"] or r["party_name"]),
                                 "seats": int(r["seats"])}
        if r["left_right"].strip():
            party["position"] = round(float(r["left_right"]), 4)
        parties.append(party)
    election = _date(head["election_date"])
    return {
        "name": plain(f"{head['country_name']}, election of {election:%d %B %Y}: "
                      f"{head['cabinet_name']} cabinet"),
        "date": _date(head["start_date"]).isoformat(),
        "sources": [plain(f"ParlGov view_cabinet: country {head['country_id']}, election "
                          f"{head['election_id']}, cabinet {head['cabinet_id']} "
                          f"({head['cabinet_name']}), party ids ")
                    + ", ".join(r["party_id"] for r in listed)],
        "seats": _chamber(rows, found),
        "parties": parties,
        "cabinet": {"size": {"min": 1, "max": max(len(parties), 1)}},
        "government": {"investiture": rule},
        "outcome": _outcome(rows, in_cabinet, ids, found),
    }


def _non_partisan(instance: dict[str, Any]) -> None:
    """A cabinet no party holds: non-party ministers (`cabinet.independents`), at least one
    and any number the cabinet has room for, the leader among them; the outcome is their
    cabinet, led by one of them, whoever supported it (ParlGov does not say)."""
    size = instance["cabinet"]["size"]
    instance["cabinet"]["independents"] = {"min": 1, "max": size["max"], "posts": ["leader"]}
    instance["outcome"] = {"cabinet": [INDEPENDENT], "posts": {"leader": INDEPENDENT},
                           "expect": "feasible"}


def _previous(outgoing: list[Row], rows: list[Row], instance: dict[str, Any]
              ) -> dict[str, Any]:
    """The outgoing cabinet's parties that are still in this parliament, and its prime
    minister's party if it is one of them."""
    ids = _ids(rows)
    listed = {p["id"] for p in instance["parties"]}
    cabinet = [ids[r["party_id"]] for r in outgoing if r["cabinet_party"] == "1"
               and r["party_id"] in ids and ids[r["party_id"]] in listed]
    previous: dict[str, Any] = {"cabinet": sorted(set(cabinet), key=cabinet.index)}
    leader = [ids[r["party_id"]] for r in outgoing if r["prime_minister"] == "1"
              and r["party_id"] in ids and ids[r["party_id"]] in previous["cabinet"]]
    if leader:
        previous["leader"] = leader[0]
    return previous


def _chamber(rows: list[Row], found: Formation) -> int:
    """The chamber's seats: ParlGov's total, or the parties' sum where that is more."""
    total = int(rows[0]["election_seats_total"])
    held = sum(int(r["seats"]) for r in rows)
    if held <= total:
        return total
    found.say(f"the parties' seats add up to {held}, past the chamber's {total}: "
              "the chamber is taken as their sum")
    return held


def _outcome(rows: list[Row], in_cabinet: list[Row], ids: dict[str, str],
             found: Formation) -> dict[str, Any]:
    """The recorded cabinet, led by the prime minister's party where ParlGov says which
    (nothing for a non-partisan cabinet: `_non_partisan`)."""
    if not in_cabinet:
        return {}
    pm = [r for r in rows if r["prime_minister"] == "1"]
    outcome: dict[str, Any] = {"cabinet": [ids[r["party_id"]] for r in in_cabinet]}
    if pm and pm[0] in in_cabinet:
        outcome["posts"] = {"leader": ids[pm[0]["party_id"]]}
    elif pm:
        found.say(f"the prime minister's party ({pm[0]['party_name_short']}) is "
                  "not among the cabinet parties: the leader is not recorded")
    else:
        found.say("ParlGov records no prime minister (a collegial government?): "
                  "the leader is not recorded")
    outcome["expect"] = "feasible"
    return outcome


def _ids(rows: list[Row]) -> dict[str, str]:
    """A slug per party (its short name, in ASCII), unique within the election."""
    ids: dict[str, str] = {}
    for r in rows:
        text = unicodedata.normalize("NFKD", r["party_name_short"]).encode("ascii", "ignore")
        slug = re.sub(r"[^a-z0-9]+", "-", text.decode().lower()).strip("-") or "party"
        if slug in ids.values():
            slug = f"{slug}-{r['party_id']}"
        ids[r["party_id"]] = slug
    return ids


def plain(text: str) -> str:
    """Text from the table as a message or a comment may show it: without control characters
    (an escape sequence would act on the terminal, a line break would end the comment and
    start YAML of the table's making) or the line separators YAML reads as line breaks."""
    return "".join(c for c in text if unicodedata.category(c) not in UNSAFE)


def path_in(folder: Path, found: Formation) -> Path:
    """Where a formation's file goes: `{slug}.yaml` in `folder`, and nowhere else (checked on
    the resolved path, so that a link in the folder cannot lead the file out of it)."""
    path = folder / f"{found.slug}.yaml"
    try:
        inside = path.resolve().parent == folder.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise UsageError(f"--out {folder}: cannot write {path.name} there ({exc})") from None
    if not inside:
        raise UsageError(f"--out {folder}: {path.name} there is a link out of the folder; "
                         "remove it, or give another folder")
    return path


def to_yaml(found: Formation) -> str:
    """The formation's instance file: a comment saying where it came from and what was wrong
    with the data (each problem `plain`, on its line), then the instance, whose text from the
    table is only ever in YAML strings."""
    from ruamel.yaml import YAML

    assert found.instance is not None
    yaml = YAML()
    yaml.default_flow_style = None  # parties and lists on one line each
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(found.instance, out)
    head = [f"# Imported from ParlGov (Döring & Manow, parlgov.org) by `allocator parlgov`: "
            f"{found.slug}.", *(f"# Data: {p}" for p in found.problems)]
    return "\n".join(head) + "\n" + out.getvalue()
