"""`allocator report`: one self-contained page per instance, opened in headless chromium (Debian's,
driven by Playwright): no console error, no request leaves the page, one mark per seat, a click
on a coalition or a relaxation highlights exactly its parties, and the print view fits.

The screenshots stay in the test's temporary folder, for a person to look at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import allocator
from allocator.briefing import brief
from allocator.render.report import report_html
from allocator.solving.result import LISTED
from tests.helpers import INSTANCES, ROOT, run


def page_of(path: Path, scenario: str | None = None) -> str:
    return report_html(brief(allocator.load(path), scenario, f"allocator report {path.name}"))


def test_the_page_needs_nothing_from_outside():
    html = page_of(ROOT / "instances" / "worcester-2016.yaml")
    assert not re.search(r"<(link|img|iframe)\b|<script[^>]*\bsrc=|@import|url\(", html)
    assert html.count("<script>") == 1 and html.startswith("<!doctype html>")


def test_a_big_parliament_is_summarised_not_dumped():
    html = page_of(ROOT / "instances" / "spain-2019.yaml")
    assert f"The {LISTED} most likely of 107,844 governments" in html
    assert "107,844 governments in all" in html
    assert html.count('<tr tabindex="0" data-roles=') <= 3 * LISTED
    assert len(html.encode()) < 5_000_000


def test_report_command_writes_the_page(tmp_path):
    out = tmp_path / "w.html"
    code, _, err = run("report", str(ROOT / "instances" / "worcester-2016.yaml"), "--scenario",
                       "green-backs-labour", "--out", str(out))
    assert code == 0, err
    html = out.read_text()
    assert "feasible: 1 coalition, complete" in html
    assert "allocator report" in html and "--scenario green-backs-labour" in html
    code, out_text, err = run("report", str(ROOT / "instances" / "worcester-2016.yaml"),
                              "--scenario", "nope")
    assert code == 2 and "nope" in err and out_text == ""


def test_a_time_limit_still_gives_a_whole_page(tmp_path):
    out = tmp_path / "nl.html"
    code, _, err = run("report", str(ROOT / "instances" / "netherlands-2017.yaml"),
                       "--time-limit", "0.001", "--out", str(out))
    html = out.read_text()
    assert code in (0, 4), err
    assert html.rstrip().endswith("</html>") and 'class="undecided"' in html


@pytest.mark.slow
def test_every_bundled_report_in_a_real_browser(browser, tmp_path):
    for path in INSTANCES:
        page_file = tmp_path / f"{path.stem}.html"
        page_file.write_text(page_of(path))
        check_in_browser(browser, page_file, allocator.load(path), tmp_path)


def check_in_browser(browser, page_file: Path, instance: allocator.Instance,
                     folder: Path) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    counted = page.evaluate("""() => {
        const c = {};
        for (const s of document.querySelectorAll('.seat')) {
            const k = s.getAttribute('data-party'); c[k] = (c[k] || 0) + 1;
        }
        return c;
    }""")
    expected = {p.id: p.seats for p in instance.parties if p.seats}
    unlisted = instance.total_seats - sum(p.seats for p in instance.parties)
    if unlisted:
        expected[""] = unlisted
    assert counted == expected, page_file.name
    choices = page.locator("[data-roles]")
    if choices.count():
        choices.first.click()
        roles = json.loads(choices.first.get_attribute("data-roles"))
        drawn = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
            '.seat')].filter(s => s.dataset.party).map(s => [s.dataset.party,
            ['cabinet', 'support', 'abstain', 'opposition'].filter(
                r => s.classList.contains(r))]))""")
        for party, shown in drawn.items():
            want = next((r for r in ("cabinet", "support", "abstain") if party in roles[r]),
                        "opposition")
            assert shown == [want], (page_file.name, party, shown, want)
        details = page.locator("tr[data-roles] + tr.details")
        if details.count():  # a listed coalition opens onto its allocations
            assert details.first.is_visible() and "allocation" in details.first.inner_text()
            if details.count() > 1:
                assert not details.nth(1).is_visible()  # only the one chosen
    page.screenshot(path=str(folder / f"{page_file.stem}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing sticks out
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, (page_file.name, "phone", width)
    page.set_viewport_size({"width": 800, "height": 900})
    page.emulate_media(media="print")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 800, (page_file.name, "print", width)
    assert errors == [], (page_file.name, errors)
    assert requests == [page_file.as_uri()], (page_file.name, requests)
    page.close()


@pytest.mark.slow
def test_a_report_with_a_sweep_in_a_real_browser(browser, tmp_path):
    """`report --sweep`: the bars are on the page, and a click on one redraws the chamber with
    that government."""

    germany = ROOT / "instances" / "germany-2017.yaml"
    swept = tmp_path / "sweep.json"
    code, _, err = run("sweep", str(germany), "--scenario", "campaign", "--draws", "300",
                       "--workers", "1", "--format", "json", "--out", str(swept))
    assert code == 0, err
    page_file = tmp_path / "germany-sweep.html"
    code, _, err = run("report", str(germany), "--scenario", "campaign", "--sweep", str(swept),
                       "--out", str(page_file))
    assert code == 0, err
    cabinets = json.loads(swept.read_text())["cabinets"]  # the bars: which cabinet forms
    check_in_browser(browser, page_file, allocator.load(germany), tmp_path)
    page = browser.new_page(viewport={"width": 900, "height": 900})
    page.goto(page_file.as_uri())
    bars = page.locator("figure.sweep rect.bar")
    assert bars.count() == len(cabinets)
    assert bars.first.get_attribute("data-cabinet") == "+".join(cabinets[0]["cabinet"])
    last = page.locator("figure.sweep g[data-roles]").last
    last.click()
    cabinet = cabinets[-1]["cabinet"]
    drawn = page.evaluate("""() => [...new Set([...document.querySelectorAll(
        '.seat.cabinet')].map(s => s.dataset.party))]""")
    assert sorted(drawn) == sorted(cabinet)
    page.screenshot(path=str(tmp_path / "germany-sweep.png"), full_page=True)


def test_a_sweep_of_another_instance_is_refused(tmp_path):
    swept = tmp_path / "sweep.json"
    run("sweep", str(ROOT / "instances" / "germany-2017.yaml"), "--draws", "20", "--workers",
        "1", "--format", "json", "--out", str(swept))
    code, _, err = run("report", str(ROOT / "instances" / "worcester-2016.yaml"), "--sweep",
                       str(swept))
    assert code == 2 and "it is a sweep of 'German Bundestag, 2017-2018'" in err
    swept.write_text('{"instance": "x"}')
    code, _, err = run("report", str(ROOT / "instances" / "worcester-2016.yaml"), "--sweep",
                       str(swept))
    assert code == 2 and "not the JSON of `allocator sweep --format json`" in err
