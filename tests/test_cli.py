"""The `allocator` command: every format, flag and exit status of SPEC §5."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys

import pytest

import allocator
from tests.helpers import DATA, ROOT, WORCESTER, busy_for, run

COUNCIL = str(DATA / "council-4.yaml")
PARLIAMENT = str(DATA / "parliament-12.yaml")




def test_table_lists_every_allocation():
    code, out, _ = run("solve", WORCESTER, "--scenario", "green-backs-labour")
    assert code == 0
    assert out == """\
Worcester City Council, May 2016 (scenario green-backs-labour)
feasible: 5 allocations, complete

#  cabinet  support  form      seats  leader  programme
1  lab 5    green    minority  18     lab     keep_in_house
2  lab 6    green    minority  18     lab     keep_in_house
3  lab 7    green    minority  18     lab     keep_in_house
4  lab 8    green    minority  18     lab     keep_in_house
5  lab 9    green    minority  18     lab     keep_in_house
"""


def test_deadlock_exits_3():
    code, out, _ = run("solve", WORCESTER)
    assert code == 3
    assert "deadlock: no allocation satisfies every demand (proven)" in out
    code, out, _ = run("solve", WORCESTER, "--format", "json")
    doc = json.loads(out)
    assert (doc["status"], doc["complete"], doc["count"], doc["allocations"]) == (
        "deadlock", True, 0, [])
    deadlock = doc["deadlock"]
    assert deadlock["conflict"] == ["green-no-single-party-deal", "lab-perdiswell",
                                    "con-no-perdiswell"]  # instance order
    assert len(deadlock["relaxations"]) == 8 and deadlock["complete"] is True
    assert {"drop": ["green-no-single-party-deal", "lab-perdiswell"], "example": {
        "cabinet": {"lab": 5}, "support": ["green"], "opposition": ["con"],
        "posts": {"leader": "lab"}, "portfolios": {}, "programme": ["keep_in_house"],
        "form": "minority", "seats": 18}} in deadlock["relaxations"]


def test_json_has_the_spec_keys():
    code, out, _ = run("solve", COUNCIL, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["instance", "scenario", "status", "complete", "count", "allocations",
                         "deadlock"]
    assert (doc["status"], doc["complete"], doc["count"], doc["deadlock"]) == (
        "feasible", True, 8424, None)
    assert doc["allocations"][0] == {
        "cabinet": {"con": 3}, "support": ["lab"], "opposition": ["green", "ld"],
        "posts": {"leader": "con", "deputy": "con"}, "portfolios": {}, "programme": [],
        "form": "minority", "seats": 27}


def test_jsonl_streams_then_summarises():
    code, out, _ = run("solve", COUNCIL, "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 8425
    assert lines[-1] == {"summary": True, "instance": "synthetic 4-party council",
                         "scenario": None, "status": "feasible", "complete": True,
                         "count": 8424, "deadlock": None}
    json_doc = json.loads(run("solve", COUNCIL, "--format", "json")[1])
    key = lambda a: json.dumps(a, sort_keys=True)  # noqa: E731
    assert sorted(map(key, lines[:-1])) == sorted(map(key, json_doc["allocations"]))


def test_csv_is_flat():
    code, out, _ = run("solve", WORCESTER, "--scenario", "green-backs-labour", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5
    assert rows[0] == {"cabinet": "lab", "support": "green", "opposition": "con", "n:con": "0",
                       "n:lab": "5", "n:green": "0", "post:leader": "lab",
                       "programme": "keep_in_house", "form": "minority", "seats": "18"}


def test_coalition_level_in_every_format():
    code, out, _ = run("solve", COUNCIL, "--level", "coalition", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["level"] == "coalition" and doc["count"] == 23
    first = doc["coalitions"][0]
    assert first["cabinet"] == {"con": {"min": 3, "max": 10}}
    assert first["posts"] == {"leader": ["con"], "deputy": ["con"]}
    code, out, _ = run("solve", COUNCIL, "--level", "coalition", "--format", "csv")
    assert out.splitlines()[0].startswith("cabinet,support,opposition,min:con,max:con")
    code, out, _ = run("solve", COUNCIL, "--level", "coalition")
    assert "feasible: 23 coalitions, complete" in out and "con 3-10" in out
    code, out, _ = run("solve", COUNCIL, "--level", "coalition", "--format", "jsonl")
    assert len(out.splitlines()) == 24


def test_limit_cuts_and_says_so():
    code, out, err = run("solve", COUNCIL, "--format", "json", "--limit", "7")
    doc = json.loads(out)
    assert code == 0 and (doc["count"], doc["complete"], doc["status"]) == (7, False, "feasible")
    assert "INCOMPLETE" in err
    code, out, _ = run("solve", COUNCIL, "--level", "coalition", "--format", "json", "--limit",
                       "3")
    assert json.loads(out)["count"] == 3


def test_time_limit_without_answer_exits_4():
    code, out, err = run("solve", PARLIAMENT, "--format", "json", "--time-limit", "0.000001")
    doc = json.loads(out)
    assert code == 4 and (doc["status"], doc["complete"]) == ("unknown", False)
    assert "unknown" in err


def test_out_writes_the_whole_file(tmp_path):
    target = tmp_path / "result.json"
    code, out, _ = run("solve", COUNCIL, "--format", "json", "--out", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["count"] == 8424
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_out_is_not_written_on_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("allocator.api.solve", broken)
    target = tmp_path / "result.json"
    code, _, err = run("solve", COUNCIL, "--out", str(target))
    assert code == 1 and "internal error: RuntimeError: boom" in err
    assert list(tmp_path.iterdir()) == []


def test_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nparties:\n  - {id: a, seats: 3}\ncabinet: {size: 2}\n"
                   "demands:\n  - {party: b, type: role, in: [cabinet]}\n")
    code, out, err = run("solve", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:6: demands[0].party: unknown party 'b' (known: a)" in err
    assert run("solve", WORCESTER, "--scenario", "nope")[0] == 2
    assert run("solve", WORCESTER, "--format", "xml")[0] == 2
    assert run("solve", WORCESTER, "--limit", "0")[0] == 2
    assert run("solve", str(tmp_path / "missing.yaml"))[0] == 2


def test_library_renderer_matches_the_command():
    import allocator
    from allocator.render import json as render

    result = allocator.solve(allocator.load(COUNCIL))
    assert render.to_json(result) == run("solve", COUNCIL, "--format", "json")[1]


def test_same_input_same_bytes():
    first = run("solve", COUNCIL, "--format", "json")[1]
    assert run("solve", COUNCIL, "--format", "json")[1] == first
    first = run("solve", COUNCIL, "--level", "coalition", "--format", "csv")[1]
    assert run("solve", COUNCIL, "--level", "coalition", "--format", "csv")[1] == first


def test_validate(tmp_path):
    code, out, _ = run("validate", WORCESTER, COUNCIL)
    assert code == 0 and out.count(": ok (") == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    code, out, err = run("validate", WORCESTER, str(bad))
    assert code == 2 and ": ok (" in out and "missing required key 'parties'" in err


def test_schema_is_json_schema():
    code, out, _ = run("schema")
    doc = json.loads(out)
    assert code == 0 and doc["title"] == "allocator instance"
    assert {"parties", "cabinet", "demands", "scenarios", "outcome"} <= set(doc["properties"])
    demand_types = {ref["$ref"].split("/")[-1] for ref in
                    doc["properties"]["demands"]["items"]["oneOf"]}
    assert len(demand_types) == 21


def test_ctrl_c_reports_what_was_found(tmp_path):
    """A real SIGINT to a long enumeration: the partial result is printed and marked."""
    process = subprocess.Popen(
        [sys.executable, "-m", "allocator.cli", "solve", PARLIAMENT, "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    busy_for(process, 2.0)  # well into the listing
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    doc = json.loads(out)
    assert process.returncode == 0, err
    assert doc["complete"] is False and doc["status"] == "feasible" and doc["count"] > 0
    assert "interrupt" in err


@pytest.mark.parametrize("args", [["--help"], ["solve", "--help"], ["--version"]])
def test_help(args):
    assert run(*args)[0] == 0


def test_a_terminal_gets_colour_and_wrapped_demands_and_nothing_is_lost():
    """`render.for_terminal` (used only when stdout is a terminal): the verdict coloured,
    indented lines wrapped to the width, every word kept."""
    from allocator.render import text as render

    text = render.explanation_table(allocator.explain(allocator.load(WORCESTER)))
    shown = render.for_terminal(text, 60)
    assert shown.split("\n")[1].startswith("\033[31mdeadlock")
    plain = shown.replace("\033[31m", "").replace("\033[0m", "")
    assert plain.split() == text.split()
    assert all(len(line) <= 60 for line in plain.split("\n") if line.startswith("  ")
               and " " in line.strip())
    code, out, _ = run("explain", WORCESTER)  # not a terminal: as it is
    assert code == 3 and "\033[" not in out and out == text


def test_a_closed_pipe_ends_quietly():
    """`allocator solve ... | head -1`: the reader goes away, the command ends without a word,
    as other Unix tools do."""
    process = subprocess.Popen(
        [sys.executable, "-m", "allocator.cli", "solve", str(ROOT / "instances" /
         "spain-2019.yaml"), "--level", "coalition", "--format", "jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"{")
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141 and error == ""


def test_the_time_limit_counts_from_the_command_not_the_import():
    """This process imported the command line when the tests were collected, seconds ago; a
    2-second limit still leaves the command its 2 seconds."""
    code, out, _ = run("solve", WORCESTER, "--scenario", "green-backs-labour",
                       "--time-limit", "2")
    assert code == 0 and "feasible: 5 allocations, complete" in out


def test_a_busy_port_is_a_clear_usage_error():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, _, err = run("serve", WORCESTER, "--port", port)
    assert code == 2 and f"cannot listen on 127.0.0.1 port {port}" in err
    assert "Traceback" not in err


def test_progress_is_cleared_before_the_answer():
    """On a terminal the progress line is transient: it is erased when the work ends (and
    while output is written), so the answer never lands beside it."""
    import io

    from rich.console import Console

    from allocator.cli.progress import Progress

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    with Progress("coalition", console=console) as progress:
        for _ in range(600):
            progress.tick()
        progress.phase("minimal conflict")
        with progress.paused():
            pass
        progress.phase("minimum relaxations")
    drawn = screen.getvalue()
    assert "minimal conflict" in drawn and "minimum relaxations" in drawn
    assert drawn.endswith("\x1b[2K"), repr(drawn[-80:])  # the last thing: the line erased


@pytest.mark.parametrize("width", [60, 80, 100])
def test_tables_fit_a_terminal_and_wrap_between_words(width):
    """On a terminal the table fits its width: cells wrap inside their column, never in the
    middle of a word (piped, the table stays one line per row: other tests)."""
    from allocator.render import text

    result = allocator.solve(allocator.load(ROOT / "instances" / "spain-2019.yaml"),
                             level="coalition", limit=5)
    plain = text.to_table(result).split("\n")[3:]  # the table, after the title and verdict
    fitted = text.to_table(result, width=width).split("\n")[3:]
    assert max(len(line) for line in plain) > width
    if width >= 64:  # the longest word of each column, side by side, fit
        assert all(len(line) <= width for line in fitted)
    words = lambda lines: sorted(w for line in lines for w in line.split())  # noqa: E731
    assert words(fitted) == words(plain)  # the same words, none cut in two
