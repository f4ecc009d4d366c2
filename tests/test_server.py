"""`allocator serve`'s API, through Starlette's test client and against a running server on
loopback: the same answers as the command line, the loader's problems for bad requests, bounded
work, and many clients at once."""

from __future__ import annotations

import html
import json
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import allocator
from allocator.render import json as render
from allocator.web.app import create_app
from allocator.web.served import Limits
from tests import helpers
from tests.helpers import running_server

WORCESTER = str(helpers.WORCESTER)
WORCESTER_2022 = str(helpers.ROOT / "instances" / "worcester-2022.yaml")
GERMANY = str(helpers.GERMANY)


def token_of(client, name: str) -> str:
    """The write token, as the server's own room page holds it."""
    page = client.get(f"/room/{name}").text
    return re.search(r'name="allocator-token" content="([^"]+)"', page).group(1)


def make_client(paths: list[str], limits: Limits, write: bool = False, model=None):
    with warnings.catch_warnings():  # Starlette 1.x would rather see httpx2 behind it
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        return TestClient(create_app(paths, limits, write, model=model),
                          base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client():
    return make_client([WORCESTER, GERMANY], Limits(body=20_000))


def test_lists_and_shows_the_instances(client):
    listed = client.get("/api/instances").json()
    assert [i["name"] for i in listed] == ["worcester-2016", "germany-2017"]
    shown = client.get("/api/instances/worcester-2016").json()
    assert shown["name"] == "Worcester City Council, May 2016" and len(shown["parties"]) == 3
    assert client.get("/api/instances/nowhere").status_code == 404


def test_solve_answers_what_the_command_line_answers(client):
    answer = client.post("/api/solve", json={"instance": "worcester-2016",
                                             "scenario": "green-backs-labour"})
    assert answer.status_code == 200
    expected = json.loads(render.to_json(allocator.solve(allocator.load(WORCESTER),
                                                         "green-backs-labour")))
    assert answer.json() == expected


def test_dropping_the_two_demands_of_relaxation_3_gives_the_labour_green_deal(client):
    answer = client.post("/api/solve", json={
        "instance": "worcester-2016", "level": "coalition",
        "drop": ["green-no-single-party-deal", "lab-perdiswell"]}).json()
    assert answer["status"] == "feasible"
    assert {"cabinet": ["lab"], "support": ["green"]} in [
        {"cabinet": list(c["cabinet"]), "support": c["support"]} for c in answer["coalitions"]]


def test_changes_are_checked_like_the_file(client):
    answer = client.post("/api/solve", json={
        "instance": "worcester-2016",
        "add": [{"type": "veto_leader", "party": "lab", "of": ["con", "gren"]}],
        "drop": ["no-such-demand"]})
    assert answer.status_code == 422
    assert {p["path"] for p in answer.json()["problems"]} == {"add[0].of[1]", "drop[0]"}
    assert "gren" in json.dumps(answer.json())
    answer = client.post("/api/solve", json={"instance": "worcester-2016",
                                             "cabinet": {"size": 0}})
    assert answer.status_code == 422 and answer.json()["problems"][0]["path"] == "cabinet.size"


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400), (b"[1, 2]", 400), (b'{"instance": "nowhere"}', 404),
    (b'{"instance": "worcester-2016", "scenario": "nope"}', 404),
    (b'{"instance": "worcester-2016", "limit": 0}', 422),
    (b'{"instance": "worcester-2016", "level": "everything"}', 422),
    (b'{"instance": "worcester-2016", "pad": "' + b"x" * 30_000 + b'"}', 413),
])
def test_bad_requests_get_a_status_and_problems_never_a_traceback(client, body, status):
    answer = client.post("/api/solve", content=body,
                         headers={"content-type": "application/json"})
    assert answer.status_code == status
    assert answer.json()["problems"] and "Traceback" not in answer.text


def test_why_not(client):
    answer = client.post("/api/why-not", json={"instance": "worcester-2016",
                                               "cabinet_parties": ["lab"],
                                               "support": ["green"]}).json()
    assert answer["status"] == "deadlock" and answer["deadlock"]["conflict"]
    bad = client.post("/api/why-not", json={"instance": "worcester-2016",
                                            "cabinet_parties": ["nobody"]})
    assert bad.status_code == 422 and "nobody" in bad.text


def test_the_pages_rank_by_the_model_served():
    """`serve --model`: the pages and the room's answers rank by the model given (here one
    that prefers more parties: the largest cabinet comes first)."""
    from allocator.likely.model import FormationModel, Term

    model = FormationModel(terms=[Term(name="parties", coefficient=5.0)])
    served = make_client([WORCESTER_2022], Limits(), model=model)
    shipped = make_client([WORCESTER_2022], Limits())
    mine, theirs = (first_government(c.get("/instances/worcester-2022").text)
                    for c in (served, shipped))
    assert mine["cabinet"] != theirs["cabinet"]
    answer = served.post("/api/answer", json={"instance": "worcester-2022"}).json()["html"]
    assert first_government(answer) == mine


def first_government(page: str) -> dict:
    """The roles of the first government a page lists."""
    return json.loads(html.unescape(re.search(r'data-roles="([^"]+)"', page).group(1)))


def test_the_page_is_the_report(client):
    page = client.get("/instances/germany-2017")
    assert page.status_code == 200 and len(re.findall(r'class="seat[ "]', page.text)) == 709
    assert client.get("/").text.startswith("<!doctype html>")


def resident(pid: int) -> int:
    """A process's resident memory in KB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.slow
def test_many_clients_at_once_against_a_running_server():
    """200 mixed requests from 20 clients against `allocator serve` on loopback: every one
    answered, correctly, with memory flat; the server binds 127.0.0.1 and stops on
    SIGTERM."""
    with running_server(WORCESTER) as (base, server):
        requests = [("solve", {"instance": "worcester-2016", "scenario": "green-backs-labour"}),
                    ("solve", {"instance": "worcester-2016", "level": "coalition"}),
                    ("why-not", {"instance": "worcester-2016", "cabinet_parties": ["con"]}),
                    ("solve", {"instance": "nowhere"})] * 50

        def ask(item: tuple[str, dict]) -> int:
            kind, body = item
            return httpx.post(f"{base}/api/{kind}", json=body, timeout=60).status_code

        with ThreadPoolExecutor(20) as pool:
            list(pool.map(ask, requests[:40]))  # warm up: caches, thread pools
            before = resident(server.pid)
            statuses = list(pool.map(ask, requests))
        assert statuses.count(200) == 150 and statuses.count(404) == 50
        assert resident(server.pid) - before < 40_000, "memory grows with the requests"
    assert "serving 1 instance on http://127.0.0.1:" in server.stderr.read()


def test_a_full_queue_says_busy_at_once():
    busy = make_client([WORCESTER], Limits(waiting=0))
    answer = busy.post("/api/solve", json={"instance": "worcester-2016"})
    assert answer.status_code == 503 and "busy" in answer.json()["problems"][0]["message"]


#: how the verdict of a feasible answer reads (the room's pages run no string as script: a
#: Content-Security-Policy, so tests wait with locators, not `wait_for_function`)
FEASIBLE = re.compile(r"possible government")


@pytest.mark.slow
def test_the_room_in_a_real_browser(browser, tmp_path):
    """Untick the two demands of Worcester's relaxation 3 and the Labour cabinet with Green
    support appears; the address keeps the state; saving downloads the scenario's YAML."""
    from playwright.sync_api import expect

    with running_server(WORCESTER) as (base, server):
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/room/worcester-2016")
        assert page.locator("#verdict-line").inner_text() == "No deal meets every demand."
        for demand in ("green-no-single-party-deal", "lab-perdiswell"):
            page.locator(f"input[name=demand][value={demand}]").uncheck()
        expect(page.locator("#verdict-line")).to_have_text(FEASIBLE)
        rows = page.locator("tr.government .pick")
        roles = [json.loads(rows.nth(i).get_attribute("data-roles"))
                 for i in range(rows.count())]
        assert {"cabinet": ["lab"], "support": ["green"], "abstain": []} in roles
        assert "drop lab-perdiswell" in page.locator("#changes").inner_text()
        # the answer opens on its most likely government: Labour, the Greens supporting
        assert page.locator(".seat.cabinet").count() == 16
        assert page.locator(".seat.support").count() == 2
        shared = page.url
        again = browser.new_page()
        again.goto(shared)
        expect(again.locator("#verdict-line")).to_have_text(FEASIBLE)
        assert not again.locator("input[value=lab-perdiswell]").is_checked()
        # "edit": the Greens accept one partner instead of two, typed into the box
        page.locator("input[name=demand][value=green-no-single-party-deal]").check()
        page.locator("button.edit[data-id=green-no-single-party-deal]").click()
        assert not page.locator(
            "input[name=demand][value=green-no-single-party-deal]").is_checked()
        box = page.locator("#new-demand")
        box.fill(box.input_value().replace('"count": 2', '"count": 1'))
        page.locator("#add").click()
        expect(page.locator("#changes")).to_contain_text('count": 1')
        expect(page.locator("#verdict-line")).to_have_text(FEASIBLE)
        assert page.locator("#added li").count() == 1
        page.on("dialog", lambda dialog: dialog.accept("greens-back-labour"))
        with page.expect_download() as download:
            page.locator("#save").click()
        saved = Path(download.value.path()).read_text()
        assert "name: greens-back-labour" in saved and "lab-perdiswell" in saved
        assert "count: 1" in saved  # the added demand, as YAML
        page.screenshot(path=str(tmp_path / "room.png"), full_page=True)
        page.close()
        assert errors == []


def test_a_demand_may_be_typed_as_in_the_file(client):
    typed = client.post("/api/solve", json={
        "instance": "worcester-2016", "scenario": "green-backs-labour", "level": "coalition",
        "add": ["{type: role, party: green, in: [opposition]}"]}).json()
    assert typed["status"] == "deadlock"  # Labour alone has no majority without the Greens
    broken = client.post("/api/solve", json={"instance": "worcester-2016",
                                             "add": ["{type: role, party: [green"]})
    assert broken.status_code == 422 and broken.json()["problems"][0]["path"] == "add[0]"


def test_write_saves_a_scenario_into_the_file_keeping_its_comments(tmp_path):
    path = tmp_path / "worcester-2016.yaml"
    original = Path(WORCESTER).read_text()
    path.write_text(original)
    body = {"instance": "worcester-2016", "drop": ["green-no-single-party-deal"],
            "add": ["{type: role, party: green, in: [support]}"], "name": "talks",
            "text": "the Greens back Labour", "save": True}
    refused = make_client([str(path)], Limits()).post("/api/scenario", json=body)
    assert refused.status_code == 403 and path.read_text() == original  # not without --write
    writer = make_client([str(path)], Limits(), write=True)
    assert writer.post("/api/scenario", json=body).status_code == 403  # not without the token
    assert path.read_text() == original
    token = token_of(writer, "worcester-2016")
    assert writer.post("/api/scenario", json=body,
                       headers={"x-allocator-token": token}).status_code == 200
    written = path.read_text()
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in written for line in comments)
    instance = allocator.load(path)
    assert instance.scenarios[-1].name == "talks" and len(instance.scenarios) == 7
    assert instance.scenarios[-1].drop == ["green-no-single-party-deal"]
    again = writer.post("/api/scenario", json=body,  # the same name twice: refused
                        headers={"x-allocator-token": token})
    assert again.status_code == 422 and path.read_text() == written
    listed = writer.get("/api/instances").json()[0]["scenarios"]
    assert listed[-1] == "talks"
    assert [p.name for p in tmp_path.iterdir()] == ["worcester-2016.yaml"]


def test_the_room_keeps_its_last_answers(monkeypatch):
    """A change asked again (going back in the room) is answered from what was kept, as long
    as it is among the KEPT last asked for; the answer is the same."""
    from allocator import briefing
    from allocator.web import served as kept

    made = []
    real = briefing.brief

    def counted(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(briefing, "brief", counted)
    room = make_client([WORCESTER], Limits())
    asked = [{"instance": "worcester-2016"},
             {"instance": "worcester-2016", "drop": ["green-rainbow-only"]}]
    first = [room.post("/api/answer", json=body).json()["html"] for body in asked]
    assert first[0] != first[1] and len(made) == 2
    assert room.post("/api/answer", json=asked[0]).json()["html"] == first[0]
    assert len(made) == 2  # answered from what was kept
    monkeypatch.setattr(kept, "KEPT", 1)
    room.post("/api/answer", json={**asked[1], "drop": ["green-equal-split"]})
    assert room.post("/api/answer", json=asked[0]).json()["html"] == first[0]
    assert len(made) == 4  # only the last answer was kept
