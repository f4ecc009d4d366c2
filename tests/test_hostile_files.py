"""Hostile files, as someone who wants harm (or a corrupt download) writes them: a ParlGov table,
a dataset's formations, a seat table, a sweep's checkpoint, a saved sweep. Each is refused with
exit status 2 and a message naming the file (and line), or read as it should be; never an
internal error or a traceback, never a file written outside the folder asked for, never a
temporary file left, never a result changed by a file edited by hand."""

from __future__ import annotations

import csv
import json
import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import allocator
import allocator.sweep.reading
from tests.helpers import DATA, GERMANY, WORCESTER, run

SAMPLE = DATA / "parlgov-sample.csv"
Row = dict[str, str]


def refused(code: int, err: str, file: object, line: int | None = None) -> None:
    """Exit status 2, the file (and line) named, no internal error, no traceback."""
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert f"{file}:{line}:" in err if line is not None else str(file) in err, err


def tree(folder: Path) -> list[str]:
    """Every path under a folder, relative to it (temporary files included: they start with a
    dot)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- allocator parlgov ------------------------------------------------------------------------


def sample_rows() -> list[Row]:
    with SAMPLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def table(path: Path, change: Callable[[Row], None] | None = None,
          where: Callable[[Row], bool] = lambda row: row["country_name_short"] == "DEU"
          ) -> Path:
    """The sample table with `change` made to the rows `where` says (Germany's: lines 20 to
    27, the caretaker Merkel IV then Merkel V)."""
    rows = sample_rows()
    for row in rows:
        if change is not None and where(row):
            change(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def setting(column: str, value: str) -> Callable[[Row], None]:
    return lambda row: row.__setitem__(column, value)


@pytest.mark.parametrize("code", ["../../escaped", "/tmp/allocator-escaped", "DEU/../../x",
                                  "deu", "DÉU", "DE\u2028U", ""])
def test_a_country_code_never_leads_a_file_out_of_the_folder(tmp_path, code):
    """The file name comes from the country code, which must be a code; before, `../..` wrote
    two folders up and an absolute path wrote there."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    given = table(work / "t.csv", setting("country_name_short", code))
    code_, _, err = run("parlgov", given, "--out", work / "out")
    refused(code_, err, given, 20)
    assert "country_name_short" in err and "is not a country code" in err
    assert tree(tmp_path) == ["a", "a/b", "a/b/t.csv"]
    assert not list(Path("/tmp").glob("allocator-escaped*"))


def test_a_link_in_the_folder_never_leads_a_file_out_of_it(tmp_path):
    """A file of the folder that links out of it is refused, not written through."""
    out, victim = tmp_path / "out", tmp_path / "victim.yaml"
    out.mkdir()
    victim.write_text("mine\n")
    (out / "deu-2017-09-24.yaml").symlink_to(victim)
    code, _, err = run("parlgov", SAMPLE, "--out", out, "--country", "DEU")
    refused(code, err, out)
    assert "deu-2017-09-24.yaml there is a link out of the folder" in err
    assert victim.read_text() == "mine\n"


def caretaker_only(name: str) -> Callable[[Row], None]:
    """Germany 2017 with only the caretaker cabinet, named `name` (it is then the outcome, and
    the data problems quote its name)."""
    def change(row: Row) -> None:
        row["caretaker"] = "1"
        row["cabinet_name"] = name
    return change


def imported(tmp_path: Path, change: Callable[[Row], None], label: str) -> tuple[str, str]:
    """The text of Germany 2017's file, and what was said on stderr."""
    given = table(tmp_path / f"{label}.csv", change)
    out = tmp_path / label
    code, _, err = run("parlgov", given, "--out", out, "--country", "DEU")
    assert code == 0, err
    assert tree(out) == ["deu-2017-09-24.yaml"]
    return (out / "deu-2017-09-24.yaml").read_text(encoding="utf-8"), err


@pytest.mark.parametrize("name", ["x\ndemands: [{type: veto_leader, of: [spd]}]", "x\r\n# y",
                                  "x\u2028demands: [{type: veto_leader, of: [spd]}]",
                                  "x\x85demands: [{type: veto_leader, of: [spd]}]"])
@pytest.mark.parametrize("make", [caretaker_only, lambda name: setting("cabinet_name", name)],
                         ids=["in a comment", "in the name"])
def test_text_from_the_table_is_only_ever_a_yaml_string(tmp_path, name, make):
    """A cabinet's name is quoted in the file's header comment (a data problem) and written in
    the instance's name and sources; before, a line break in it ended the comment and wrote a
    real `demands:` key into the file."""
    text, _ = imported(tmp_path, make(name), "hostile")
    plain, _ = imported(tmp_path, make("x"), "plain")
    data = YAML(typ="safe").load(text)
    assert "demands" not in data
    hostile, expected = allocator.loads(text), allocator.loads(plain)
    assert hostile.demands == [] and control_characters(hostile.name) == []
    assert "x" in hostile.name and ("y" in hostile.name or "demands: [{" in hostile.name)
    assert (hostile.model_dump(exclude={"name", "sources"})
            == expected.model_dump(exclude={"name", "sources"}))
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments == [line for line in plain.splitlines() if line.startswith("#")] or (
        len(comments) == 2 and comments[1].startswith("# Data: only a caretaker cabinet (x"))


def control_characters(text: str) -> list[str]:
    """The characters a terminal or YAML would act on (but line ends)."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp") and c != "\n"]


def test_no_control_sequence_from_the_table_reaches_the_terminal(tmp_path):
    """Data problems quote party and cabinet names; before, an escape sequence in one (clear
    the screen, set the window's title) reached stderr as it was."""
    hostile = "\x1b[2J\x1b]0;title\x07\r\x9b31m\x7f"

    def change(row: Row) -> None:
        if row["party_name_short"] == "FI-PdL":  # a cabinet party without seats: said
            row["party_name_short"] = "FI" + hostile
    given = table(tmp_path / "t.csv", change, where=lambda row: True)
    out = tmp_path / "out"
    code, _, err = run("parlgov", given, "--out", out, "--country", "ITA")
    assert code == 0 and "cabinet party FI[2J]0;title31m has no seats" in err, err
    assert control_characters(err) == []
    text = (out / "ita-2008-04-13.yaml").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert control_characters("\n".join(header)) == [] and len(header) == 2
    code, _, err = run("parlgov", table(tmp_path / "u.csv", caretaker_only(hostile)), "--out",
                       out, "--country", "DEU")
    assert code == 0 and "only a caretaker cabinet ([2J]0;title31m)" in err
    assert control_characters(err) == []


@pytest.mark.parametrize("column, value, said", [
    ("left_right", "abc", "is not a position (a number from 0 to 10"),
    ("left_right", "nan", "is not a position"),
    ("left_right", "inf", "is not a position"),
    ("left_right", "-1", "is not a position"),
    ("left_right", "10.5", "is not a position"),
    ("seats", "²", "'²' is not a whole number (digits 0-9, at most 6)"),
    ("seats", "٣", "is not a whole number"),
    ("seats", "9" * 5000, "is not a whole number (digits 0-9, at most 6)"),
    ("party_id", " 1", "is not a whole number"),
    ("caretaker", "yes", "caretaker: 'yes' is not 0 or 1"),
    ("election_date", "2017-09-24", "is not a date (dd/mm/yyyy)"),
    ("cabinet_name", "x" * 2000, "cabinet_name: 2,000 characters; at most 1,000 are read"),
    ("cabinet_name", "x" * 140_000, "not a table that can be read (field larger than field "
                                    "limit (131072))"),
])
def test_bad_cells_are_located_with_their_fix(tmp_path, column, value, said):
    """Before: `abc` and `²` (str.isdigit accepts it, int does not), 5,000 digits and a cell
    past the csv module's limit were internal errors; `nan` and `inf` became positions."""
    given = table(tmp_path / "t.csv", setting(column, value))
    code, _, err = run("parlgov", given, "--out", tmp_path / "out")
    refused(code, err, given, 20)
    assert said in err and len(err) < 5000
    assert tree(tmp_path) == ["t.csv"]


def test_every_bad_row_is_said_but_not_forever(tmp_path):
    given = table(tmp_path / "t.csv", setting("seats", "x"), where=lambda row: True)
    code, _, err = run("parlgov", given, "--out", tmp_path / "out")
    refused(code, err, given, 2)
    assert "50 problems found" in err and f"{given}:51: seats" in err


def test_a_row_short_of_values_is_located(tmp_path):
    given = tmp_path / "t.csv"
    given.write_text(SAMPLE.read_text(encoding="utf-8").split("\n", 1)[0] + "\nDEU,Germany\n")
    code, _, err = run("parlgov", given, "--out", tmp_path / "out")
    refused(code, err, given, 2)
    assert "fewer values than the header has columns" in err


@pytest.mark.parametrize("make", ["device", "fifo", "folder", "latin-1", "huge"])
def test_a_table_that_is_not_a_text_file_of_sane_size_is_refused(tmp_path, make):
    """Before, /dev/zero and a FIFO hung (reading forever, or waiting for a writer) and a table
    of any size was read whole."""
    given = tmp_path / "t.csv"
    if make == "device":
        given = Path("/dev/zero")
    elif make == "fifo":
        os.mkfifo(given)
    elif make == "folder":
        given.mkdir()
    elif make == "latin-1":
        given.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("latin-1", "replace"))
    else:
        with given.open("wb") as f:
            f.truncate(21 * 1024 * 1024)  # sparse: nothing is written
    code, _, err = run("parlgov", given, "--out", tmp_path / "out")
    refused(code, err, given)
    said = {"latin-1": "not UTF-8 text", "huge": "at most 20,971,520 are read"}
    assert said.get(make, "not a regular file") in err
    assert not (tmp_path / "out").exists()


def test_countries_may_still_be_listed_with_spaces(tmp_path):
    code, out, err = run("parlgov", SAMPLE, "--out", tmp_path, "--country", "DEU", "ITA")
    assert code == 0, err
    assert tree(tmp_path) == ["deu-2017-09-24.yaml", "ita-2008-04-13.yaml"]


# --- allocator dataset ------------------------------------------------------------------------


FORMATION = """\
name: x
parties: [{id: -a, seats: 5}, {id: b, seats: 4}, {id: c, seats: 2}]
cabinet: {size: {min: 1, max: 3}}
outcome: {cabinet: [-a, b], expect: feasible}
"""
NAMES = ["=cmd|' -c calc'!a0", "+1+1", "-2+3", "-1.5", "@SUM(A1)", "\tx", "\rx", "plain"]


def dataset(tmp_path: Path, out: str) -> tuple[int, str, str]:
    folder = tmp_path / "formations"
    folder.mkdir(exist_ok=True)
    for name in NAMES:
        (folder / f"{name}.yaml").write_text(FORMATION)
    return run("dataset", *sorted(folder.iterdir()), "--out", tmp_path / out, "--workers", "1")


def test_a_csv_cell_never_reads_as_a_formula(tmp_path):
    """Formations are named after their files: before, a file `=cmd|' -c calc'!a0.yaml` put a
    formula into the CSV that a spreadsheet would run. Every text cell that a spreadsheet
    would take for a formula starts with `'`, numbers and plain text as they were."""
    code, _, err = dataset(tmp_path, "rows.csv")
    assert code == 0, err
    with (tmp_path / "rows.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    formations = sorted({row["formation"] for row in rows})
    assert formations == sorted(["'=cmd|' -c calc'!a0", "'+1+1", "'-2+3", "-1.5", "'@SUM(A1)",
                                 "'\tx", "'\rx", "plain"])
    texts = [row[c] for row in rows for c in ("cabinet", "support", "abstain", "leader")]
    assert "'-a+b" in texts and "'-a" in texts and "b" in texts
    assert not any(cell.startswith(tuple("=+-@\t\r")) for cell in texts)
    assert {row["cabinet_seats"] for row in rows} >= {"9"}
    assert tree(tmp_path) == ["formations", *(f"formations/{n}.yaml" for n in sorted(NAMES)),
                              "rows.csv"]


def test_parquet_keeps_the_values_as_they_are(tmp_path):
    """Parquet is not read as formulas: its cells are the formations' and parties' own."""
    import pyarrow.parquet as pq

    code, _, err = dataset(tmp_path, "rows.parquet")
    assert code == 0, err
    rows = pq.read_table(tmp_path / "rows.parquet").to_pylist()
    assert sorted({row["formation"] for row in rows}) == sorted(NAMES)
    assert "-a+b" in {row["cabinet"] for row in rows}


def test_theories_read_the_names_as_they_are(tmp_path):
    folder = tmp_path / "formations"
    folder.mkdir()
    (folder / "=x-1.yaml").write_text(FORMATION)
    code, out, err = run("theories", folder, "--workers", "1")
    assert code == 0, err
    assert "=X" in out and "'=X" not in out


# --- allocator sweep --seats -------------------------------------------------------------------


def seat_table(path: Path, *rows: str) -> Path:
    path.write_text("con,lab,green\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("cell, said", [
    ("²", "lab: '²' is not a number of seats (0 to 100,000, in digits 0-9)"),
    ("٣", "is not a number of seats"),
    ("9" * 5000, "lab: '99999"),
    ("100001", "is not a number of seats (0 to 100,000"),
    ("-1", "is not a number of seats"),
    ("1e3", "is not a number of seats"),
    ("x" * 140_000, "not a table of seats (field larger than field limit (131072))"),
])
def test_a_bad_seat_is_located(tmp_path, cell, said):
    """Before: `²`, 5,000 digits and a cell past the csv module's limit were internal
    errors."""
    given = seat_table(tmp_path / "draws.csv", "17,16,2", f"17,{cell},2")
    code, _, err = run("sweep", WORCESTER, "--seats", given, "--workers", "1")
    refused(code, err, given, 3)
    assert said in err and len(err) < 2000
    assert tree(tmp_path) == ["draws.csv"]


def test_every_bad_seat_row_is_said_but_not_forever(tmp_path):
    given = seat_table(tmp_path / "draws.csv", *["17,x,2"] * 10_000)
    code, _, err = run("sweep", WORCESTER, "--seats", given, "--workers", "1")
    refused(code, err, given, 51)
    assert "50 problems found" in err and f"{given}:52:" not in err


def test_a_header_of_a_million_columns_is_said_briefly(tmp_path):
    given = tmp_path / "draws.csv"
    given.write_text("con,lab,green," + ",".join(f"p{i}" for i in range(10**6)) + "\n")
    code, _, err = run("sweep", WORCESTER, "--seats", given, "--workers", "1")
    refused(code, err, given, 1)
    assert "unknown columns 'p0', 'p1'" in err and "and 999,990 more" in err
    assert len(err) < 1000


@pytest.mark.parametrize("make", ["device", "fifo", "huge", "latin-1"])
def test_a_seat_table_that_is_not_a_text_file_of_sane_size_is_refused(tmp_path, make):
    """Before, /dev/zero and a FIFO hung, and a table of 24 MB took 1.08 GB of memory."""
    given = tmp_path / "draws.csv"
    if make == "device":
        given = Path("/dev/zero")
    elif make == "fifo":
        os.mkfifo(given)
    elif make == "huge":
        with given.open("wb") as f:
            f.truncate(21 * 1024 * 1024)
    else:
        given.write_bytes("con,lab,green\n17,16,2\n# é\n".encode("latin-1"))
    code, _, err = run("sweep", WORCESTER, "--seats", given, "--workers", "1")
    refused(code, err, given)
    said = {"huge": "at most 20,971,520 are read", "latin-1": "not UTF-8 text"}
    assert said.get(make, "not a regular file") in err


def test_a_folder_is_no_seat_table(tmp_path):
    code, _, err = run("sweep", WORCESTER, "--seats", tmp_path, "--workers", "1")
    refused(code, err, tmp_path)
    assert "is a directory" in err


def test_a_long_seat_table_takes_little_memory(tmp_path):
    """30,000 rows: one array of numbers, not an object per row (before: a `Draw` a row, about
    5 MB here; now 12 bytes a row, and the lines read one at a time)."""
    import tracemalloc

    from allocator.sweep.draws import SeatTable

    text = "con,lab,green\n" + "17,16,2\n" * 30_000
    instance = allocator.load(WORCESTER)
    tracemalloc.start()
    try:
        table = SeatTable.parse(text, instance, "draws.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(table) == 30_000 and table.draw(29_999).seats == (17, 16, 2)
    assert peak < 1024 * 1024


# --- allocator sweep --checkpoint --------------------------------------------------------------


SWEEP = ("sweep", GERMANY, "--scenario", "campaign", "--draws", "100", "--seed", "3",
         "--workers", "1", "--format", "json", "--checkpoint")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A checkpoint of a whole sweep, and what the sweep printed."""
    folder = tmp_path_factory.mktemp("swept") / "checkpoint"
    code, out, err = run(*SWEEP, folder)
    assert code == 0, err
    assert len(list(folder.glob("answers-*.json"))) >= 2
    return folder, out


def resumed(tmp_path: Path, swept: tuple[Path, str],
            change: Callable[[Path], None]) -> tuple[Path, str]:
    """The sweep run again on a copy of the checkpoint changed by `change`; what it printed
    must be what the whole sweep printed."""
    folder = tmp_path / "checkpoint"
    shutil.copytree(swept[0], folder, symlinks=True)
    change(folder)
    code, out, err = run(*SWEEP, folder)
    assert code == 0 and "internal error" not in err and "Traceback" not in err, err
    assert out == swept[1]
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no temporary
    return folder, err


def answer_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("answers-*.json"))


def rewritten(edit: Callable[[dict[str, Any]], None], sign: bool = True
              ) -> Callable[[Path], None]:
    """Every answer of every file edited by `edit`, the file's digest computed again (as a
    careful hand would) or not."""
    from allocator.sweep.checkpoint import _Answer, digest

    def change(folder: Path) -> None:
        for path in answer_files(folder):
            data = json.loads(path.read_text())
            for answer in data["answers"]:
                edit(answer)
            if sign:
                data["sha256"] = digest([_Answer.model_validate(a) for a in data["answers"]])
            path.write_text(json.dumps(data))
    return change


def cdu_alone(answer: dict[str, Any]) -> None:
    answer["governments"] = ["0333333"]


def cdu_with_a_majority(answer: dict[str, Any]) -> None:
    """A draw in which the CDU alone could govern (then the key is no longer the draw's)."""
    answer["seats"] = [400, 0, 0, 0, 0, 0, 0]
    answer["governments"] = ["0333333"]


@pytest.mark.parametrize("edit", [cdu_alone, cdu_with_a_majority,
                                  lambda a: a.__setitem__("governments", a["governments"] * 2),
                                  lambda a: a.__setitem__("governments", ["00"]),
                                  lambda a: a.__setitem__("key", "0" * 32),
                                  lambda a: a.__setitem__("votes", [1])],
                         ids=["cdu alone", "cdu with a majority", "twice", "too short",
                              "another key", "votes"])
@pytest.mark.parametrize("sign", [True, False], ids=["digest again", "digest left"])
def test_an_answer_edited_by_hand_never_changes_the_result(tmp_path, swept, edit, sign):
    """Before, answers were believed as read: a resumed sweep printed "cdu alone, 100%". Now
    each answer's key is checked against its draw, each government against the draw's seats,
    and each file against its digest: what fails is solved again."""
    folder, _ = resumed(tmp_path, swept, rewritten(edit, sign))
    assert len(answer_files(folder)) > len(answer_files(swept[0]))  # solved again, and kept


def test_a_file_whose_digest_is_not_its_answers_is_left_aside(tmp_path, swept):
    """Answers that fit their draws (no government at all: deadlock everywhere) but are not
    what was written: the digest says so."""
    resumed(tmp_path, swept, rewritten(lambda a: a.__setitem__("governments", []), False))


@pytest.mark.parametrize("rule", ["absolute", "relative", "negative"])
@pytest.mark.parametrize("seats, unlisted, forms", [
    ([10, 7, 5, 3, 1], 4, ["majority", "minority"]), ([5, 5, 5, 5, 2], 0, ["minority"]),
    ([12, 6, 6, 1, 1], 3, ["majority"]), ([9, 8, 4, 4, 0], 6, ["majority", "minority"]),
])
def test_the_base_rules_a_checkpoint_checks_are_the_solvers(rule, seats, unlisted, forms):
    """Without demands, the governments the solver finds are exactly those the checkpoint's
    base rules let through: an answer read back is never dropped for a government it
    rightly has, nor kept with one no parliament allows."""
    from itertools import product

    from allocator.sweep.checkpoint import BaseRules
    from allocator.sweep.run import outlook

    parliament = allocator.from_dict({
        "name": "x", "seats": sum(seats) + unlisted,
        "parties": [{"id": f"p{i}", "seats": s} for i, s in enumerate(seats)],
        "cabinet": {"size": {"min": 1, "max": 5}},
        "government": {"investiture": rule, "forms": forms}})
    rules = BaseRules(parliament)
    fitting = {roles for roles in product(range(4), repeat=len(seats)) if rules.fit(roles)}
    assert set(outlook(parliament).governments) == fitting


def whole_answers(folder: Path) -> None:
    """Nothing changed: a resumed sweep solves nothing and writes no file."""


def test_a_checkpoint_untouched_is_used_as_it_is(tmp_path, swept):
    folder, _ = resumed(tmp_path, swept, whole_answers)
    assert tree(folder) == tree(swept[0])


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def sparse(path: Path) -> None:
    with path.open("wb") as f:
        f.truncate(65 * 1024 * 1024)


@pytest.mark.parametrize("spoil", [
    lambda p: p.write_text('{"a": 1}'),
    lambda p: p.write_text("[1, 2, 3]"),
    lambda p: p.write_text('{"sha256": "x", "answers": 5}'),
    lambda p: p.write_text('{"sha256": "x", "answers": [{"key": 5}]}'),
    lambda p: rewritten(lambda a: a.__setitem__("governments", ["0000004"]), False)(p.parent),
    lambda p: rewritten(lambda a: a.__setitem__("governments", [[0, 3, 3]]), False)(p.parent),
    lambda p: p.write_text(p.read_text()[:100]),
    lambda p: p.write_text("[" * 100_000),
    lambda p: p.write_bytes(b"\xff\xfe"),
    sparse,
    fifo,
    lambda p: (p.unlink(), p.mkdir()),
    lambda p: (p.unlink(), p.symlink_to("/dev/zero")),
    lambda p: (p.unlink(), p.symlink_to(p)),
], ids=["object", "list", "numbers for lists", "shape", "no such role", "roles as a list",
        "cut short", "deep", "not UTF-8",
        "65 MB", "FIFO", "folder", "link to /dev/zero", "link loop"])
def test_an_answer_file_that_is_not_one_is_left_aside(tmp_path, swept, spoil):
    """Before, a file of the wrong shape was an internal error, and /dev/zero hung: now it is
    left aside, its parliaments solved again, and it stays as it was (the new answers go to
    a new file)."""
    def change(folder: Path) -> None:
        spoil(answer_files(folder)[0])
    folder, _ = resumed(tmp_path, swept, change)
    first = folder / answer_files(swept[0])[0].name
    assert first.is_symlink() or not first.is_file() or first.stat().st_size != \
        answer_files(swept[0])[0].stat().st_size  # still spoilt: not overwritten
    assert len(answer_files(folder)) > len(answer_files(swept[0]))


def test_a_save_never_overwrites_a_file(tmp_path, swept):
    """Before, names came from a count of the files read: with one unreadable, the next save
    replaced a good file. Now a new file is named past the highest number, and made only
    where no file has its name."""
    kept: dict[str, bytes] = {}
    taken: list[str] = []

    def change(folder: Path) -> None:
        files = answer_files(folder)
        files[0].write_text("unreadable")
        files[-1].unlink()  # its answers are solved, and saved, again
        highest = int(files[-1].name[len("answers-"):-len(".json")])
        taken.extend(f"answers-{highest + k:06d}.json" for k in (1, 5))
        (folder / taken[0]).mkdir()
        (folder / taken[1]).write_text("someone else's")
        kept.update({p.name: p.read_bytes() for p in answer_files(folder) if p.is_file()})
    folder, _ = resumed(tmp_path, swept, change)
    assert {p.name: p.read_bytes() for p in answer_files(folder) if p.is_file()
            and p.name in kept} == kept
    new = sorted(set(p.name for p in answer_files(folder)) - set(kept) - {taken[0]})
    assert new and all(name > taken[1] for name in new)


@pytest.mark.parametrize("text", ["[1, 2]", '{"fingerprint": 5}', '"x"', "", "{",
                                  '{"fingerprint": "' + "0" * 64 + '"}',
                                  '{"fingerprint": "' + "0" * 64 + '", "more": 1}'])
def test_a_manifest_of_another_shape_is_refused(tmp_path, text):
    """Before, a `sweep.json` holding a list was an internal error."""
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    (folder / "sweep.json").write_text(text)
    code, _, err = run(*SWEEP, folder)
    refused(code, err, folder)
    assert "it is not a checkpoint of this sweep" in err
    assert tree(tmp_path) == ["checkpoint", "checkpoint/sweep.json"]


@pytest.mark.parametrize("make", ["folder", "link to /dev/zero", "huge"])
def test_a_manifest_that_is_not_a_file_is_refused(tmp_path, make):
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    manifest = folder / "sweep.json"
    if make == "folder":
        manifest.mkdir()
    elif make == "huge":
        manifest.write_text('{"fingerprint": "' + "0" * 64 + '"}' + " " * 5000)
    else:
        manifest.symlink_to("/dev/zero")
    code, _, err = run(*SWEEP, folder)
    refused(code, err, folder)
    assert "it is not a checkpoint of this sweep" in err


@pytest.mark.parametrize("make, said", [
    ("file", "not a folder"), ("link loop", "not a folder"), ("dangling link", "not a folder"),
    ("under a file", "cannot make that folder"), ("unwritable", "cannot make that folder"),
])
def test_a_checkpoint_that_cannot_be_a_folder_is_refused(tmp_path, make, said):
    where = tmp_path / "checkpoint"
    if make == "file":
        where.write_text("mine\n")
    elif make == "link loop":
        where.symlink_to(where)
    elif make == "dangling link":
        where.symlink_to(tmp_path / "nowhere")
    elif make == "under a file":
        (tmp_path / "file").write_text("mine\n")
        where = tmp_path / "file" / "checkpoint"
    else:
        where = Path("/sys/allocator-checkpoint")  # not even root may write there
    code, _, err = run(*SWEEP, where)
    refused(code, err, where)
    assert said in err
    assert (tmp_path / "file").read_text() == "mine\n" if make == "under a file" else True


# --- allocator report --sweep ------------------------------------------------------------------


def report_of(tmp_path: Path, given: Path) -> tuple[int, str, str]:
    return run("report", GERMANY, "--scenario", "campaign", "--sweep", given, "--out",
               tmp_path / "report.html")


@pytest.mark.parametrize("edit, said", [
    (lambda d: d["coalitions"][0].__setitem__("draws", 10**6),
     "coalitions[0] is counted in 1,000,000 draws, more than the sweep's 100"),
    (lambda d: d["coalitions"][0].__setitem__("probability", 0.5), "is not"),
    (lambda d: d.__setitem__("coalitions", 5), "coalitions"),
], ids=["more draws than the sweep", "a probability not its share", "not a list"])
def test_a_saved_sweep_that_does_not_hold_together_is_refused(tmp_path, swept, edit, said):
    """Before, a government counted in more draws than the sweep was a "math domain error"
    (an internal error); `document.py` refuses it now, with where and why."""
    document = json.loads(swept[1])
    edit(document)
    given = tmp_path / "sweep.json"
    given.write_text(json.dumps(document))
    code, _, err = report_of(tmp_path, given)
    refused(code, err, given)
    assert "not the JSON of `allocator sweep --format json`" in err and said in err
    assert tree(tmp_path) == ["sweep.json"]


@pytest.mark.parametrize("make", ["device", "fifo", "deep", "deep inside", "extra", "twice",
                                  "nul", "latin-1", "cut", "long value", "no coalitions",
                                  "a bad government"])
def test_a_saved_sweep_that_is_no_json_file_is_refused(tmp_path, swept, make, monkeypatch):
    """`reading` takes the file a value at a time: whatever is wrong is still found, said
    with the file, and nothing is written."""
    given = tmp_path / "sweep.json"
    text = swept[1]
    edits = {"deep inside": lambda t: t.replace('"parties": {', '"parties": ' + "[" * 100_000
                                                + "{", 1),
             "extra": lambda t: t + "{}",
             "twice": lambda t: t.replace('"draws": 100,', '"draws": 100, "draws": 100,', 1),
             "nul": lambda t: t.replace('"complete"', '"comp\x00lete"'),
             "cut": lambda t: t[:len(t) // 2],
             "no coalitions": lambda t: t.replace('"coalitions"', '"coalition"', 1),
             "a bad government": lambda t: t.replace('"support": [', '"support": 7, "x": [',
                                                     3)}
    if make == "device":
        given = Path("/dev/zero")
    elif make == "fifo":
        os.mkfifo(given)
    elif make == "deep":
        given.write_text("[" * 100_000)
    elif make == "latin-1":
        given.write_bytes(text.replace('"complete"', '"complète"').encode("latin-1"))
    elif make == "long value":
        monkeypatch.setattr(allocator.sweep.reading, "MAX_VALUE", 10)
        monkeypatch.setattr(allocator.sweep.reading, "PIECE", 4)
        given.write_text(text)
    else:
        given.write_text(edits[make](text))
    code, _, err = report_of(tmp_path, given)
    refused(code, err, given)
    assert not (tmp_path / "report.html").exists()
    if make == "a bad government":
        assert "coalitions[0].support" in err, err
