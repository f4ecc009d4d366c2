"""Pictures of the chamber (`allocator draw`): one mark per seat, counted per party, in the SVG
and in a real headless browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

import allocator
from allocator.render.chamber import Roles, hemicycle_svg, seating
from allocator.render.colours import PALETTE, colours, contrast
from tests.helpers import INSTANCES, NO_CAIRO, ROOT, has_cairo, run

SVG = "{http://www.w3.org/2000/svg}"


def seats_of(svg: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter(f"{SVG}circle")
            if "seat" in e.get("class", "").split()]


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_one_mark_per_seat_for_every_party(path):
    instance = allocator.load(path)
    marks = seats_of(hemicycle_svg(instance))
    counted = Counter(e.get("data-party") for e in marks)
    expected = {p.id: p.seats for p in instance.parties if p.seats}
    unlisted = instance.total_seats - sum(p.seats for p in instance.parties)
    if unlisted:
        expected[""] = unlisted
    assert counted == expected


def test_parties_sit_left_to_right_by_position():
    instance = allocator.load(ROOT / "instances" / "worcester-2016.yaml")
    assert [p.id for p in seating(instance)] == ["green", "lab", "con"]  # positions 2, 3, 7
    marks = seats_of(hemicycle_svg(instance))
    xs = {party: [float(e.get("cx")) for e in marks if e.get("data-party") == party]
          for party in ("green", "con")}
    assert max(xs["green"]) < min(xs["con"])


def test_a_coalition_reads_without_colour():
    instance = allocator.load(ROOT / "instances" / "worcester-2016.yaml")
    marks = seats_of(hemicycle_svg(instance, Roles(cabinet=("lab",), support=("green",))))
    roles = {e.get("data-party"): (set(e.get("class").split()) - {"seat"}) for e in marks}
    assert roles == {"lab": {"cabinet"}, "green": {"support"}, "con": {"opposition"}}
    support = next(e for e in marks if e.get("data-party") == "green")
    cabinet = next(e for e in marks if e.get("data-party") == "lab")
    opposition = next(e for e in marks if e.get("data-party") == "con")
    assert support.get("fill") == "#ffffff" and support.get("stroke")  # a ring, not a disc
    assert cabinet.get("fill") not in ("#ffffff", opposition.get("fill"))
    assert opposition.get("fill") == "#c4c4c4"  # grey, not faded


def test_a_government_is_drawn_together_from_the_left_end():
    """Cabinet, then supporters, then abstainers, each by position, then the opposition: the
    Jamaica coalition's 393 seats come first, so they read against the majority line."""
    instance = allocator.load(ROOT / "instances" / "germany-2017.yaml")
    jamaica = Roles(cabinet=("cdu", "csu", "fdp", "gruene"))
    assert [p.id for p in seating(instance, jamaica)] == [
        "gruene", "fdp", "cdu", "csu", "linke", "spd", "afd"]
    marks = seats_of(hemicycle_svg(instance, jamaica))
    first = [e.get("data-party") for e in marks[:393]]
    assert set(first) == {"cdu", "csu", "fdp", "gruene"}
    assert all(e.get("data-party") not in jamaica.cabinet for e in marks[393:])


def test_every_mark_stands_out_and_clashing_colours_are_redrawn():
    """Light colours are outlined in a darker ink (3:1 against white); of two parties whose
    colours merge for readers with deuteranopia, the smaller is drawn in a safe colour."""
    worcester = allocator.load(ROOT / "instances" / "worcester-2016.yaml")
    drawn = colours(worcester)
    assert [(c.larger, c.smaller, c.vision) for c in drawn.clashes] == [
        ("lab", "green", "deuteranopia")]
    assert drawn.fill["green"] in PALETTE and drawn.fill["green"] != "#02A95B"
    spain = colours(allocator.load(ROOT / "instances" / "spain-2019.yaml"))
    for party, ink in spain.ink.items():
        assert contrast(ink) >= 3.0, party
    assert spain.ink["cup"] != spain.fill["cup"]  # CUP's yellow (1.2:1) gets a dark outline


def test_colours_are_the_instances_or_a_stable_palette():
    raw = {"name": "c", "cabinet": {"size": 1},
           "parties": [{"id": "a", "seats": 3, "colour": PALETTE[1]}, {"id": "b", "seats": 2},
                       {"id": "c", "seats": 1, "colour": "#123456"}]}
    given = colours(allocator.from_dict(raw)).fill
    assert given == {"a": PALETTE[1], "b": PALETTE[0], "c": "#123456"}  # no colour twice
    bad = dict(raw, parties=[{"id": "a", "seats": 3, "colour": "red"}])
    with pytest.raises(allocator.InstanceError, match="colour"):
        allocator.from_dict(bad)


def test_draw_writes_the_svg(tmp_path):
    out = tmp_path / "chamber.svg"
    code, _, err = run("draw", str(ROOT / "instances" / "germany-2017.yaml"), "--coalition",
                       "cdu,csu,fdp,gruene", "--out", str(out))
    assert code == 0, err
    marks = seats_of(out.read_text())
    assert len(marks) == 709
    assert {e.get("data-party") for e in marks if "cabinet" in e.get("class")} == {
        "cdu", "csu", "fdp", "gruene"}


@pytest.mark.skipif(not has_cairo(), reason=NO_CAIRO)
def test_draw_writes_a_png(tmp_path):
    out = tmp_path / "chamber.png"
    code, _, err = run("draw", str(ROOT / "instances" / "worcester-2016.yaml"), "--scenario",
                       "green-backs-labour", "--coalition", "lab+green", "--out", str(out))
    assert code == 0, err
    data = out.read_bytes()
    svg = ET.fromstring(hemicycle_svg(allocator.load(ROOT / "instances" / "worcester-2016.yaml"),
                                      Roles(cabinet=("lab",), support=("green",))))
    size = (2 * int(svg.get("width")), 2 * int(svg.get("height")))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == size
    assert [p.name for p in tmp_path.iterdir()] == ["chamber.png"]


@pytest.mark.parametrize("args, said", [
    (["--coalition", "lab,nobody", "--out", "x.svg"], "unknown party nobody"),
    (["--out", "x.gif"], "give a path ending in .svg or .png"),
    ([], "Missing option '--out'"),
])
def test_draw_mistakes_are_usage_errors(args, said):
    code, out, err = run("draw", str(ROOT / "instances" / "worcester-2016.yaml"), *args)
    assert code == 2 and said in err and out == ""




@pytest.mark.slow
def test_the_browser_counts_every_seat(browser, tmp_path):
    """The SVG opened in headless chromium: no console error, no request leaves the page, and
    the marks the browser lays out are the seats, per party. The screenshot is kept in the
    test's folder for a person to look at."""

    instance = allocator.load(ROOT / "instances" / "germany-2017.yaml")
    path = tmp_path / "germany.svg"
    path.write_text(hemicycle_svg(instance, Roles(cabinet=("cdu", "csu", "spd"))))
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    counted = page.evaluate("""() => {
        const c = {};
        for (const s of document.querySelectorAll('.seat')) {
            const box = s.getBoundingClientRect();
            if (box.width > 0 && box.height > 0) {
                const k = s.getAttribute('data-party'); c[k] = (c[k] || 0) + 1;
            }
        }
        return c;
    }""")
    page.screenshot(path=str(tmp_path / "germany.png"))
    assert errors == []
    assert requests == [path.as_uri()]
    assert counted == {p.id: p.seats for p in instance.parties}


def test_draw_says_when_a_government_is_impossible(tmp_path):
    out = tmp_path / "afd.svg"
    code, _, err = run("draw", str(ROOT / "instances" / "germany-2017.yaml"), "--coalition",
                       "afd", "--out", str(out))
    assert code == 0 and "Not a possible government: cabinet afd" in err
    assert "Not a possible government" in out.read_text()  # on the picture too
    code, _, err = run("draw", str(ROOT / "instances" / "germany-2017.yaml"), "--scenario",
                       "campaign", "--coalition", "cdu,csu,spd", "--out", str(out))
    assert code == 0 and err == "" and "Not a possible" not in out.read_text()


def test_draw_card_is_a_picture_to_share(tmp_path):
    """1200 x 675, with the title, the date, the verdict, the most likely government in words,
    the sources and the credit; no local path."""
    out = tmp_path / "card.svg"
    path = ROOT / "instances" / "germany-2017.yaml"
    code, _, err = run("draw", str(path), "--scenario", "campaign", "--card", "--out", str(out))
    assert code == 0, err
    svg = out.read_text()
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("1200", "675")
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for said in ("German Bundestag", "14 March 2018", "The most likely government: CDU, CSU "
                 "and SPD", "CDU 200 + CSU 46 + SPD 153 = 399 of 709 seats: a majority",
                 "Sources: Wikipedia", "Made with allocator: allocator draw germany-2017.yaml"):
        assert said in text, said
    assert str(ROOT) not in svg and len(seats_of(svg)) == 709
    if has_cairo():
        png = tmp_path / "card.png"
        assert run("draw", str(path), "--card", "--out", str(png))[0] == 0
        assert struct.unpack(">II", png.read_bytes()[16:24]) == (2400, 1350)
