"""Pages people look at, in a real browser (Debian's chromium, driven by Playwright), at a
desktop's width (1280) and a phone's (390): every bundled report and the negotiation room.

On each: no console error and no request leaving the page; axe-core (`axe-playwright-python`)
finds no serious or critical violation; nothing is wider than the screen; the verdict is a
heading in the first screen; one mark per seat; every seat mark stands out from the background
by 3:1; the page opens on the most likely government (or the address's); and after every kind
of choice (a government's button, a click on its row, Enter, Space, a relaxation's example, a
sweep's row) the chamber is in view, drawn with that government together from the left end
exactly as `chamber.seating` seats it, and the strip says it.

The screenshots stay in the test's temporary folder, for a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import allocator
from allocator.briefing import brief
from allocator.render.chamber import Roles, seating
from allocator.render.colours import contrast
from allocator.render.report import report_html
from tests.helpers import INSTANCES, ROOT, run, running_server

pytestmark = pytest.mark.slow
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}

#: each seat's party and role as drawn, and its colours as the browser computes them
SEATS = """() => [...document.querySelectorAll('#chamber .seat')].map(s => {
    const style = getComputedStyle(s);
    return {party: s.dataset.party, role: ['cabinet', 'support', 'abstain', 'opposition']
              .find(r => s.classList.contains(r)) || null,
            fill: style.fill, stroke: style.stroke,
            width: parseFloat(style.strokeWidth) * (style.vectorEffect === 'non-scaling-stroke'
                   ? 1 : s.ownerSVGElement.getScreenCTM().a)};
})"""


def rgb(css: str) -> str | None:
    """`rgb(1, 2, 3)` -> `#010203`; None for `none`."""
    if not css.startswith("rgb"):
        return None
    values = [int(float(v)) for v in css[css.index("(") + 1:-1].split(",")[:3]]
    return "#" + "".join(f"{v:02x}" for v in values)


def open_page(browser: Any, url: str, width: str) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport=dict(zip(("width", "height"), WIDTHS[width],
                                              strict=True)))
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    return page, errors, requests


def check_accessible(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in found
           if v["impact"] in ("serious", "critical")]
    assert bad == [], (name, bad)


def check_layout(page: Any, name: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (name, width)
    verdict = page.locator("h2#verdict-line")
    assert verdict.count() == 1 and verdict.bounding_box()["y"] < page.viewport_size["height"]


def check_seats(page: Any, instance: allocator.Instance, roles: Roles | None, name: str
                ) -> None:
    """One mark per seat, seated as `chamber.seating` seats the government, each role drawn,
    each mark 3:1 against the background."""
    seats = page.evaluate(SEATS)
    expected = [p.id for p in seating(instance, roles) for _ in range(p.seats)]
    expected += [""] * (instance.total_seats - len(expected))
    assert [s["party"] for s in seats] == expected, name
    for seat in seats:
        want = None if not seat["party"] or roles is None else roles.of(seat["party"])
        assert seat["role"] == want, (name, seat)
        fill, stroke = rgb(seat["fill"]), rgb(seat["stroke"])
        seen = max(contrast(fill) if fill else 1.0,
                   contrast(stroke) if stroke and seat["width"] >= 1 else 1.0)
        assert seen >= 3.0 - 1e-9, (name, seat, seen)


def check_choice(page: Any, control: Any, instance: allocator.Instance, name: str) -> None:
    """After choosing: the control is pressed, the chamber in view and drawn with its
    government, and the strip says it."""
    roles_json = json.loads(control.get_attribute("data-roles"))
    roles = Roles(*(tuple(roles_json[r]) for r in ("cabinet", "support", "abstain")))
    assert control.get_attribute("aria-pressed") == "true", name
    box = page.locator("#chamber svg").bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= -1 and box["y"] + box["height"] <= height + 1, (
        name, "the chamber is out of view", box)
    assert page.locator("#shown").inner_text() == control.get_attribute("data-said"), name
    label = page.locator("#chamber svg").get_attribute("aria-label")
    assert control.get_attribute("data-said") in label, name
    check_seats(page, instance, roles, name)


def exercise(page: Any, instance: allocator.Instance, name: str, folder: Path) -> None:
    """Every way to choose a government, checked; screenshots kept."""
    default = page.locator(".pick[data-default]")
    if default.count():
        check_choice(page, default, instance, name + " opens on the most likely")
    else:
        check_seats(page, instance, None, name + " opens as elected")
    page.screenshot(path=str(folder / f"{name}.png"))
    buttons = page.locator(".pick")
    if buttons.count() > 1:
        last = buttons.nth(min(buttons.count() - 1, 3))
        last.scroll_into_view_if_needed()
        last.click()
        check_choice(page, last, instance, name + " after a click")
        page.screenshot(path=str(folder / f"{name}-clicked.png"))
        buttons.nth(1).focus()
        page.keyboard.press("Space")
        check_choice(page, buttons.nth(1), instance, name + " after Space")
        buttons.nth(0).focus()
        page.keyboard.press("Enter")
        check_choice(page, buttons.nth(0), instance, name + " after Enter")
    rows = page.locator("tr.government")
    if rows.count() > 1:
        cell = rows.nth(1).locator("td[data-label]").first
        details = rows.nth(1).locator("xpath=following-sibling::tr[1]")
        opens = "details" in (details.get_attribute("class") or "")
        was = opens and details.is_visible()
        cell.scroll_into_view_if_needed()
        cell.click()
        check_choice(page, rows.nth(1).locator(".pick"), instance, name + " after a row click")
        if opens:  # a row opens onto its deals, and closes again
            assert details.is_visible() != was
            assert rows.nth(1).locator(".pick").get_attribute("aria-expanded") == str(
                not was).lower()
            if not was:
                assert "cabinet" in details.inner_text() or "member" in details.inner_text()


def report_file(path: Path, folder: Path, scenario: str | None = None) -> Path:
    out = folder / f"{path.stem}{'-' + scenario if scenario else ''}.html"
    out.write_text(report_html(brief(allocator.load(path), scenario,
                                     f"allocator report {path.name}", power=True)))
    return out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_every_report(browser, tmp_path, path, width):
    instance = allocator.load(path)
    page_file = report_file(path, tmp_path)
    page, errors, requests = open_page(browser, page_file.as_uri(), width)
    check_layout(page, path.stem)
    check_accessible(page, path.stem)
    exercise(page, instance, f"{path.stem}-{width}", tmp_path)
    assert errors == [] and requests == [page_file.as_uri()], (errors, requests)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_report_opens_on_the_government_its_address_names(browser, tmp_path, width):
    """A government's link (#g3) opens the page with it shown; choosing one puts it in the
    address, to share."""
    path = ROOT / "instances" / "worcester-2022.yaml"
    page_file = report_file(path, tmp_path)
    page, errors, _ = open_page(browser, page_file.as_uri() + "#g3", width)
    third = page.locator("#g3 .pick")
    check_choice(page, third, allocator.load(path), "#g3")
    page.locator("#g2 .pick").click()
    assert page.url.endswith("#g2") and errors == []


def test_a_sweep_in_the_report(browser, tmp_path):
    """`report --sweep`: a row per cabinet, its chance to form and how often it is possible;
    showing one draws it."""
    germany = ROOT / "instances" / "germany-2017.yaml"
    swept = tmp_path / "sweep.json"
    code, _, err = run("sweep", str(germany), "--scenario", "campaign", "--draws", "300",
                       "--workers", "1", "--format", "json", "--out", str(swept))
    assert code == 0, err
    page_file = tmp_path / "germany-sweep.html"
    code, _, err = run("report", str(germany), "--scenario", "campaign", "--sweep", str(swept),
                       "--out", str(page_file))
    assert code == 0, err
    cabinets = json.loads(swept.read_text())["cabinets"]
    instance = allocator.load(germany)
    for width in WIDTHS:
        page, errors, _ = open_page(browser, page_file.as_uri(), width)
        rows = page.locator(".swept li")
        assert rows.count() == min(len(cabinets), 15)
        names = {p.id: p.name for p in instance.parties}
        assert rows.first.locator(".what").inner_text().startswith(names[cabinets[0]["cabinet"][0]])
        last = rows.last.locator(".pick")
        last.scroll_into_view_if_needed()
        last.click()
        check_choice(page, last, instance, f"sweep-{width}")
        check_layout(page, "sweep")
        check_accessible(page, "sweep")
        page.screenshot(path=str(tmp_path / f"germany-sweep-{width}.png"), full_page=True)
        assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_room(browser, tmp_path, width):
    """The room, served: accessible, nothing wider than the screen; each answer opens on its
    most likely government; a relaxation's "Try it in the room" drops its demands."""
    from playwright.sync_api import expect

    path = ROOT / "instances" / "worcester-2016.yaml"
    instance = allocator.load(path)
    with running_server(str(path)) as (base, _):
        page, errors, requests = open_page(browser, f"{base}/instances/worcester-2016", width)
        check_accessible(page, "served report")
        tries = page.locator("a.try")
        assert tries.count() == 8
        tries.nth(2).click()  # relaxation 3: the Greens' pledge and Labour's stadium
        expect(page.locator("#verdict-line")).to_have_text("One possible government: Labour "
                                                           "with Green support.")
        check_layout(page, "room")
        check_accessible(page, "room")
        assert not page.locator("input[value=lab-perdiswell]").is_checked()
        check_choice(page, page.locator(".pick[data-default]"), instance, f"room-{width}")
        page.screenshot(path=str(tmp_path / f"room-{width}.png"))
        page.locator("input[name=demand][value=lab-perdiswell]").check()
        expect(page.locator("#verdict-line")).to_have_text("No deal meets every demand.")
        check_seats(page, instance, None, "room back to deadlock")
        assert errors == [] and all(r.startswith(base) for r in requests)
