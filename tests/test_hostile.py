"""Hostile input, as a new user (or a fuzzer) writes it: every mistake exits 2 with a located
message and no traceback; limits, signals and output files never lose or harm anything."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import DATA, ROOT, WORCESTER, busy_for, run

PARLIAMENT = DATA / "parliament-12.yaml"
GOOD = """\
name: x
parties: [{id: a, seats: 5}, {id: b, seats: 4}]
cabinet: {size: 2}
"""




def validate(tmp_path: Path, text: str | bytes, name: str = "f.yaml") -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, _, err = run("validate", path)
    return code, err.replace(str(path), name)


@pytest.mark.parametrize("text, name, said", [
    (b"name: x\x00\n", "f.yaml", "f.yaml:1: the file holds a NUL byte"),
    (b"name: \xff\n", "f.yaml", "f.yaml:1: not UTF-8 text"),
    ("date: 2016-13-45\n" + GOOD, "f.yaml",
     "f.yaml:1: date: expected a date (YYYY-MM-DD), got '2016-13-45'"),
    ("date: 2016-05-10 12:00\n" + GOOD, "f.yaml", "f.yaml:1: date: expected a date"),
    ("name: x\nparties: " + "[" * 500 + "]" * 500 + "\n", "f.yaml", "nested more than"),
    ('{"name": "x", "seats": ' + "9" * 5000 + "}", "f.json",
     "not valid JSON: a number has more than 4,300 digits"),
    ('{"name": "x", "parties": [{"id": "a", "seats": 3},], "cabinet": {"size": 1}}',
     "f.json", "f.json:1: not valid JSON"),
    ("name: x\nparties: [{id: a, seats: !big 3}]\ncabinet: {size: 1}\n", "f.yaml",
     "f.yaml:2: YAML tags (!big) are not part of the format"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefg", "bcdefgh")),
     "f.yaml", "expands to more than 200,000 values"),
    ("seats: 1000000000000000000000000000000\n" + GOOD, "f.yaml",
     "f.yaml:1: seats: must be at most 100000, got 1000000000000000000000000000000"),
    ("seats: true\n" + GOOD, "f.yaml", "f.yaml:1: seats: expected an integer, got True"),
    ("seats: '5'\n" + GOOD, "f.yaml", "f.yaml:1: seats: expected an integer, got '5'"),
    ('{"name": "x", "parties": [{"id": "a", "seats": 5.0}], "cabinet": {"size": 1}}',
     "f.json", "parties[0].seats: expected an integer, got 5.0"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 0}\n", "f.yaml",
     "cabinet.size: must be at least 1, got 0"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: -3}\n", "f.yaml",
     "cabinet.size: must be at least 1, got -3"),
    ("name: x\nmajority: 1000\nparties: [{id: a, seats: 11}]\ncabinet: {size: 2}\n", "f.yaml",
     "f.yaml:2: majority: the quota (1000) is above the chamber's 11 seats"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: {min: 1, max: 4}, "
     "min_per_party: 10}\n", "f.yaml",
     "cabinet.min_per_party: a cabinet party's share need 10 members, but the cabinet has at "
     "most 4"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 4, portfolios: [a, b, c, d, e, "
     "f, g]}\n", "f.yaml", "the named portfolios (one member each) need 7 members"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, min_per_party: 0}\n",
     "f.yaml", "cabinet.min_per_party: must be at least 1, got 0"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\ngovernment: {quota: 2/x}\n",
     "f.yaml", "f.yaml:4: government.quota: write a quota share as a decimal (0.6) or a "
     "fraction (2/3), not '2/x'"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\ngovernment: {quota: 0.5}\n",
     "f.yaml", "government.quota: a quota share is above one half and at most 1 (got 0.5)"),
    ("name: x\nmajority: 3\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\n"
     "government: {quota: 0.6}\n", "f.yaml",
     "f.yaml:5: government.quota: give `majority` (a number of seats) or `government.quota`"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, members_within_seats: 1}\n",
     "f.yaml", "cabinet.members_within_seats: expected"),
    ("name: x\nparties: [{id: a, seats: 5, group: nl}]\ncabinet: {size: 2, parity: {groups: "
     "[nl, fr]}}\n", "f.yaml", "f.yaml:3: cabinet.parity.groups[1]: no party is in group 'fr'; "
     "give the parties of that group `group: fr`"),
    ("name: x\nparties: [{id: a, seats: 5, group: nl}, {id: b, seats: 5, group: fr}]\ncabinet: "
     "{size: 2, parity: {groups: [nl, fr], except: [premier]}}\n", "f.yaml",
     "cabinet.parity.except[0]: unknown post 'premier' (known: leader)"),
    ("name: x\nparties: [{id: a, seats: 5, group: nl}]\ncabinet: {size: 2, parity: {groups: "
     "[nl]}}\n", "f.yaml", "cabinet.parity.groups: "),
    ("name: x\nparties: [{id: a, seats: 5, group: NL}]\ncabinet: {size: 2}\n", "f.yaml",
     "parties[0].group: "),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, outside: [leader]}\n",
     "f.yaml", "f.yaml:3: cabinet.outside[0]: 'leader' is a cabinet post (`posts`) and a post "
     "outside cabinet; list it in one of them"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\ndemands: [{type: role, "
     "party: a, in: [outside]}]\n", "f.yaml",
     "demands[0].in: `outside` needs posts outside cabinet (`cabinet.outside`)"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, outside: [aid]}\ndemands: "
     "[{type: role, party: a, in: [outsider]}]\n", "f.yaml", "demands[0].in[0]: "),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, weights: {finance: 1.5}}\n",
     "f.yaml", "cabinet.weights.finance: unknown post or portfolio 'finance' (known: leader)"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, outside: [aid], weights: "
     "{aid: 2}}\n", "f.yaml", "cabinet.weights.aid: 'aid' is a post outside cabinet, which "
     "takes no cabinet member and so weighs nothing in shares; remove its weight"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, weights: {leader: 0}}\n",
     "f.yaml", "cabinet.weights.leader: must be greater than 0"),
    ("name: x\nparties: [{id: independent, seats: 5}]\ncabinet: {size: 2, independents: "
     "{max: 1}}\n", "f.yaml", "f.yaml:2: parties[0].id: the id 'independent' stands for the "
     "non-party ministers of `cabinet.independents`; give the party another id"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, independents: {max: 1, "
     "posts: [premier]}}\n", "f.yaml",
     "cabinet.independents.posts[0]: unknown post 'premier' (known: leader)"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, independents: {min: 3, "
     "max: 1}}\n", "f.yaml", "the range of non-party ministers is empty (min 3 > max 1)"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\noutcome: {cabinet: "
     "[independent]}\n", "f.yaml", "outcome.cabinet[0]: unknown party 'independent' (known: a)"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2, weights: {leader: 1.0e+300}}\n",
     "f.yaml", "cabinet.weights.leader: must be at most 100"),
    ("name: x\nparties: [{id: a, seats: 5, votes: .nan}, {id: b, seats: 3, votes: .inf}]\n"
     "cabinet: {size: 2}\n", "f.yaml", "parties[0].votes: expected an integer or a finite number"),
    ("name: x\nparties: [{id: a, seats: 5, votes: 0.1234567}]\ncabinet: {size: 2}\n", "f.yaml",
     "use at most 6 decimals"),
    ("name: x\nparties: [{id: a, seats: 5, votes: 1.0e-300}]\ncabinet: {size: 2}\n", "f.yaml",
     "use at most 6 decimals"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\ndemands: [{type: "
     "max_cabinet_parties, count: 100000000000000000000000}]\n", "f.yaml",
     "demands[0].count: must be at most 1000"),
    ("name: x\nparties: [{id: a, seats: 5}]\ncabinet: {size: 2}\ndemands: [{type: proportional,"
     " tolerance: 1.0e+308}]\n", "f.yaml", "demands[0].tolerance: must be at most 1000"),
    ("name: x\nparties: [{id: a, seats: 5, votes: 999999999999.123456}, {id: b, seats: 4, "
     "votes: 1.000001}]\ncabinet: {size: 1000}\ndemands: [{type: proportional, basis: votes, "
     "tolerance: 0.001}]\n", "f.yaml", "too large or too precise for exact arithmetic"),
])
def test_mistakes_are_located_and_exit_2(tmp_path, text, name, said):
    code, err = validate(tmp_path, text, name)
    assert code == 2 and said in err, err
    assert "Traceback" not in err and len(err) < 2000


@pytest.mark.parametrize("text", [
    "type: []\n",  # an unhashable demand type
    GOOD + "scenarios: [{name: s, add: [{type: role, party: 0, in: [cabinet], name: 0}]}]\n",
    GOOD + "demands: [{type: [role], party: a}]\n",
])
def test_what_the_long_fuzz_found(tmp_path, text):
    code, err = validate(tmp_path, text)
    assert code == 2 and "Traceback" not in err and "internal error" not in err


def test_placeholders_never_leak_into_messages(tmp_path):
    text = ("name: x\nparties: [{seats: 1}, {id: b, seats: 4}, {id: c, seats: 3}]\n"
            "cabinet: {size: 2}\ndemands: [{type: veto_leader, of: [zz]}]\n")
    code, err = validate(tmp_path, text)
    assert code == 2 and "(known: b, c)" in err and "malformed" not in err


def test_long_values_are_cut_short(tmp_path):
    code, err = validate(tmp_path, "name: [" + ", ".join(["x"] * 20000) + "]\n" + GOOD[8:])
    assert code == 2 and "name: expected a string" in err and len(err) < 400


def test_every_problem_is_listed_but_not_forever(tmp_path):
    parties = ", ".join(f"{{id: p{i}, seats: many}}" for i in range(200))
    code, err = validate(tmp_path, f"name: x\nparties: [{parties}]\ncabinet: {{size: 2}}\n")
    assert code == 2 and "... and 150 more problems" in err


@pytest.mark.parametrize("make", ["fifo", "folder", "device", "missing", "huge"])
def test_only_regular_files_of_reasonable_size_are_read(tmp_path, make):
    path = tmp_path / "x.yaml"
    if make == "fifo":
        os.mkfifo(path)
    elif make == "folder":
        path.mkdir()
    elif make == "device":
        path = Path("/dev/zero")
    elif make == "huge":
        path.write_bytes(b"# " + b"x" * (6 * 1024 * 1024))
    started = time.monotonic()
    code, _, err = run("validate", path)
    assert code == 2 and time.monotonic() - started < 10
    assert "Traceback" not in err and str(path) in err


def test_check_of_a_folder_skips_nothing_silently(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.yaml")
    code, out, err = run("check", tmp_path)
    assert code == 2 and "INVALID" in err and "not a regular file" in err


def test_check_with_an_impossible_outcome_is_refused(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(GOOD + "outcome: {cabinet: {a: -2, b: 1000000000000000000000}}\n")
    code, _, err = run("check", path)
    assert code == 2 and "outcome.cabinet.a: must be at least 1" in err


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "abc"])
def test_time_limits_must_be_a_number_of_seconds(value):
    code, _, err = run("solve", WORCESTER, "--time-limit", value)
    assert code == 2 and "--time-limit" in err


@pytest.mark.parametrize("question, said", [
    ("lab,lab", "lab named twice"), ("lab,,green", "empty party name"),
    ("lab+green+green", "green named twice"), ("lab+lab", "both in cabinet and supporting"),
    ("tory", "unknown party tory"),
])
def test_why_not_questions_are_checked(question, said):
    code, _, err = run("explain", WORCESTER, "--why-not", question)
    assert code == 2 and said in err


def test_a_deadlock_in_csv_is_explained_on_stderr():
    code, out, err = run("solve", WORCESTER, "--format", "csv")
    assert code == 3 and out.startswith("cabinet,") and len(out.splitlines()) == 1
    assert "deadlock: no allocation satisfies every demand" in err
    assert "Smallest relaxations: 8 ways" in err


def test_a_cut_list_of_relaxations_says_so_without_naming_options():
    code, out, _ = run("solve", WORCESTER, "--max-relaxations", "1")
    assert code == 3 and "at least 1 way (not all listed)" in out
    assert "only 1 minimum relaxation listed (the limit asked for); there are more" in out
    assert "max_relaxations" not in out


# --- output files -----------------------------------------------------------------------------


def solve_into(out: str | Path) -> tuple[int, str, str]:
    return run("solve", WORCESTER, "--scenario", "green-backs-labour", "--format", "csv",
               "--out", out)


def test_an_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    assert solve_into(target)[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() != "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_new_file_honours_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        assert solve_into(tmp_path / "new.csv")[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_a_symlink_is_followed_not_replaced(tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert solve_into(link)[0] == 0
    assert link.is_symlink() and target.read_text().startswith("cabinet,")


def test_devices_are_written_not_replaced():
    code, _, err = solve_into("/dev/full")
    assert code == 2 and "No space left on device" in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert solve_into("/dev/null")[0] == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dash_is_stdout_and_empty_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = solve_into("-")
    assert code == 0 and out.startswith("cabinet,") and list(tmp_path.iterdir()) == []
    code, _, err = solve_into("")
    assert code == 2 and "--out needs a path" in err


@pytest.mark.parametrize("where", ["/proc/version", "/nonexistent/folder/out.csv"])
def test_unwritable_places_are_refused_clearly(where):
    code, _, err = solve_into(where)
    assert code == 2 and "cannot write there" in err


# --- signals and time limits (real processes) ---------------------------------------------------


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "allocator.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


PARLIAMENT_16 = PARLIAMENT.parent / "parliament-16.yaml"  # 311,037 coalitions: 10-20 s


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_sigterm_reports_what_was_found_and_leaves_no_temporary_file(tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    process = start("solve", str(PARLIAMENT_16), "--level", "coalition", "--format", fmt,
                    "--out", str(target))
    busy_for(process, 1.5)  # well into the listing
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "INCOMPLETE" in err
    text = target.read_text()
    if fmt == "json":
        doc = json.loads(text)
        assert doc["complete"] is False and doc["count"] == len(doc["coalitions"]) > 0
    elif fmt == "jsonl":
        *items, last = [json.loads(line) for line in text.splitlines()]
        assert last["summary"] and last["complete"] is False and last["count"] == len(items)
    else:
        assert text.startswith("cabinet,support,opposition,") and text.count("\n") > 1
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]


def test_a_time_limit_ends_a_streamed_listing_on_time():
    started = time.monotonic()
    process = start("solve", str(PARLIAMENT_16), "--level", "coalition", "--format", "jsonl",
                    "--time-limit", "2")
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - started < 4, "the time limit was not kept"
    last = json.loads(out.splitlines()[-1])
    assert process.returncode == 0 and last["complete"] is False, err


def test_ctrl_c_stops_the_explanation_phases():
    """The binding analysis of a big instance takes seconds: Ctrl-C ends it at once, and what
    was decided is printed with the rest marked undecided."""
    process = start("explain", str(PARLIAMENT.parent / "parliament-20-demands.yaml"),
                    "--format", "json")  # about 8 s
    busy_for(process, 2.0)  # into the binding analysis
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - started < 5, "the interrupt was not taken at once"
    doc = json.loads(out)
    assert process.returncode in (0, 3, 4), err
    assert doc["complete"] is False


def test_a_time_limit_counts_across_every_phase():
    """The explanation of this parliament takes more than 2 s in all; with 1 s it stops in one
    of its phases, on time, and says it is incomplete."""
    started = time.monotonic()
    code, out, _ = run("explain", PARLIAMENT.parent / "parliament-20-demands.yaml",
                       "--time-limit", "1", "--format", "json")
    assert time.monotonic() - started < 2
    doc = json.loads(out)
    assert doc["complete"] is False and code in (0, 4)


def test_check_marks_what_the_time_limit_left_undecided():
    code, out, _ = run("check", ROOT / "instances", "--time-limit", "0.01")
    assert code == 4 and "UNDECIDED" in out and "FAIL" not in out
