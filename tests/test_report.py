"""`allocator report`: one self-contained page per instance, in words a person reads (names,
not ids), with every government on it carrying its roles. The pages in a real browser:
tests/test_pages.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import allocator
from allocator.briefing import brief
from allocator.render.report import report_html
from allocator.solving.result import LISTED
from tests.helpers import ROOT, run


def page_of(path: Path, scenario: str | None = None) -> str:
    return report_html(brief(allocator.load(path), scenario, f"allocator report {path.name}"))


def test_the_page_needs_nothing_from_outside():
    html = page_of(ROOT / "instances" / "worcester-2016.yaml")
    html = html.replace('<link rel="icon" href="data:,">', "")  # no request for an icon
    assert not re.search(r"<(link|img|iframe)\b|<script[^>]*\bsrc=|@import|url\(", html)
    assert html.count("<script>") == 1 and html.startswith("<!doctype html>")
    assert html.count('<script type="application/json" id="chamber-data">') == 1


def test_a_big_parliament_is_summarised_not_dumped():
    html = page_of(ROOT / "instances" / "spain-2019.yaml")
    assert f"The {LISTED} most likely of 107,844 governments" in html
    assert "All 107,844 governments, summed up" in html
    assert html.count('<tr id="') <= 3 * LISTED
    assert len(html.encode()) < 5_000_000


def test_report_command_writes_the_page(tmp_path):
    out = tmp_path / "w.html"
    code, _, err = run("report", str(ROOT / "instances" / "worcester-2016.yaml"), "--scenario",
                       "green-backs-labour", "--out", str(out))
    assert code == 0, err
    html = out.read_text()
    assert "One possible government: Labour with Green support." in html
    assert "allocator report" in html and "--scenario green-backs-labour" in html
    code, out_text, err = run("report", str(ROOT / "instances" / "worcester-2016.yaml"),
                              "--scenario", "nope")
    assert code == 2 and "nope" in err and out_text == ""


def test_the_report_says_who_holds_power(tmp_path):
    """`allocator report` has the section of `allocator power`: each party's indices under the
    demands and by seats alone, what each demand costs, and the sentence on what moves."""
    out = tmp_path / "nl.html"
    code, _, err = run("report", str(ROOT / "instances" / "netherlands-2017.yaml"),
                       "--out", str(out))
    assert code == 0, err
    html = out.read_text()
    section = html[html.index('<h3 id="power">'):]
    section = section[:section.index("</section>")]
    weighed = allocator.power(allocator.load(ROOT / "instances" / "netherlands-2017.yaml"))
    cda = next(p for p in weighed.parties if p.party == "cda")
    assert f"CDA holds {100 * cda.constrained[0]:.1f}% of the power under the demands" in section
    assert "PVV holds no power under the demands" in section
    assert "After losing 29 seats the PvdA chose opposition" in section  # a demand's text
    assert section.count("<tr>") == len(weighed.parties) + len(weighed.demands) + 2


def test_a_deadlocks_power_section_says_nobody_holds_it(tmp_path):
    """Worcester 2016: no deal, and no single demand's dropping makes one, so the page says
    nobody holds power under the demands and lists no demand costs that are all '-'."""
    out = tmp_path / "w.html"
    run("report", str(ROOT / "instances" / "worcester-2016.yaml"), "--out", str(out))
    section = out.read_text().split('<h3 id="power">')[1].split("</section>")[0]
    assert "nobody holds power" in section
    assert "What each demand costs" not in section and section.count("<tr>") == 1 + 3


def test_a_time_limit_still_gives_a_whole_page(tmp_path):
    out = tmp_path / "nl.html"
    code, _, err = run("report", str(ROOT / "instances" / "netherlands-2017.yaml"),
                       "--time-limit", "0.001", "--out", str(out))
    html = out.read_text()
    assert code in (0, 4), err
    assert html.rstrip().endswith("</html>") and 'class="undecided"' in html


def test_the_page_speaks_in_names_and_sentences():
    """Party names, not ids, where a person reads; a relaxation as a sentence of who gives up
    what; members with their unit; the ids kept in tooltips."""
    html = page_of(ROOT / "instances" / "worcester-2016.yaml")
    assert ("If Green gave up <span title=\"green-no-single-party-deal\">“The Greens will not "
            "do a coalition deal with any single party”</span>, and Labour gave up") in html
    assert "Labour (5 members) with Green support" in html
    assert ">lab<" not in html and "[seed" not in html
    feasible = page_of(ROOT / "instances" / "worcester-2022.yaml")
    assert 'data-label="cabinet">Conservative (5-9 members)' in feasible
    assert "15 of 35 (minority)" in feasible


def test_the_page_opens_on_the_most_likely_government():
    html = page_of(ROOT / "instances" / "worcester-2022.yaml")
    default = re.findall(r'data-roles="([^"]+)" data-said="([^"]+)" data-default', html)
    assert len(default) == 1
    roles = json.loads(default[0][0].replace("&#34;", '"'))
    assert roles["cabinet"] == ["con"]
    shown = re.search(r'<p class="shown" id="shown" aria-live="polite">([^<]+)</p>', html)
    assert shown is not None and shown.group(1) == default[0][1].replace("&#39;", "'")


def test_colour_clashes_and_missing_positions_are_said(tmp_path):
    raw = {"name": "c", "cabinet": {"size": {"min": 1, "max": 3}},
           "parties": [{"id": "a", "name": "Reds", "seats": 5, "colour": "#E4003B",
                        "position": 3},
                       {"id": "b", "name": "Greens", "seats": 4, "colour": "#02A95B"},
                       {"id": "c", "name": "Blues", "seats": 3, "colour": "#0087DC",
                        "position": 7}]}
    html = report_html(brief(allocator.from_dict(raw), None, "allocator report c.yaml"))
    assert ("Drawn in other colours, so that they can be told apart: Greens (like Reds with "
            "deuteranopia).") in html
    assert "No left-right position for Greens: seated at the right end, as listed." in html
    # non-party ministers have no seats to seat: nothing to say of their position
    raw["cabinet"]["independents"] = {"max": 1}
    html = report_html(brief(allocator.from_dict(raw), None, "allocator report c.yaml"))
    assert "No left-right position for Greens: seated at the right end, as listed." in html
    raw["parties"][1]["position"] = 5
    html = report_html(brief(allocator.from_dict(raw), None, "allocator report c.yaml"))
    assert "No left-right position" not in html and "Non-party ministers" in html
