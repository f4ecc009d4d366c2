"""`allocator serve` against a hostile web page and a careless client: cross-site writes, DNS
rebinding, script from a link, markup in every text a file or a request carries, requests that
ask for unbounded work, and clients that give up. Each is refused with a clear 4xx, nothing is
written where it should not be, and the server keeps answering others."""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from allocator.web import served as served_module
from allocator.web.app import create_app
from allocator.web.served import Limits
from tests.helpers import DATA, WORCESTER, running_server

HOSTILE = "\"><img src=x onerror=\"window.pwned=1\"><script>window.pwned=1</script>"


@contextmanager
def serving_folder(folder: Path) -> Iterator[str]:
    """A plain web server on another loopback port (another origin) serving a folder."""
    import http.server
    import threading
    from functools import partial

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def client_for(paths: list[str], write: bool = False, host: str = "127.0.0.1",
               base: str = "http://127.0.0.1:8765", limits: Limits | None = None):
    with warnings.catch_warnings():  # Starlette would rather see httpx2 behind it
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        return TestClient(create_app(paths, limits or Limits(), write, host), base_url=base)


@pytest.fixture()
def writable(tmp_path):
    """A copy of Worcester 2016 the server may write into, and a client of that server."""
    path = tmp_path / "w.yaml"
    path.write_text(WORCESTER.read_text())
    return path, client_for([str(path)], write=True)


def token_of(client, name: str = "w") -> str:
    page = client.get(f"/room/{name}").text
    return re.search(r'name="allocator-token" content="([^"]+)"', page).group(1)


SAVE = {"instance": "w", "drop": ["green-no-single-party-deal"], "name": "talks", "save": True}


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io",
                                  "localhost.evil.example:8765", "", "10.0.0.5:8765"])
def test_a_foreign_host_is_refused_before_any_work(host):
    """DNS rebinding: a page on a name the attacker controls, pointed at 127.0.0.1."""
    client = client_for([str(WORCESTER)])
    for method, path in (("GET", "/api/instances/worcester-2016"), ("GET", "/room/worcester-2016"),
                         ("POST", "/api/solve")):
        answer = client.request(method, path, headers={"host": host},
                                json={"instance": "worcester-2016"})
        assert answer.status_code == 400, (host, path)
        assert "only requests addressed to it" in answer.json()["problems"][0]["message"]
        assert "Worcester" not in answer.text


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "LOCALHOST", "[::1]:8765",
                                  "localhost."])
def test_the_names_of_loopback_are_served(host):
    assert client_for([str(WORCESTER)]).get(
        "/api/instances", headers={"host": host}).status_code == 200


def test_the_host_given_is_served_and_every_ip_when_listening_everywhere():
    assert client_for([str(WORCESTER)], host="allocator.lan").get(
        "/api/instances", headers={"host": "allocator.lan:8765"}).status_code == 200
    everywhere = client_for([str(WORCESTER)], host="0.0.0.0")
    assert everywhere.get("/api/instances", headers={"host": "192.168.1.20:8765"}
                          ).status_code == 200
    assert everywhere.get("/api/instances", headers={"host": "rebound.example:8765"}
                          ).status_code == 400


def test_a_page_from_another_site_cannot_write(writable):
    """The attack that worked: a `text/plain` "simple request" from another origin saved a
    scenario into the file. Now: a foreign Origin is refused, a body that is not JSON is
    refused, and a write without the server's token is refused; the file never changes."""
    path, client = writable
    original = path.read_text()
    token = token_of(client)
    simple = client.post("/api/scenario", content=json.dumps(SAVE),
                         headers={"content-type": "text/plain",
                                  "origin": "http://evil.example"})
    assert simple.status_code == 403
    plain = client.post("/api/scenario", content=json.dumps(SAVE),
                        headers={"content-type": "text/plain"})
    assert plain.status_code == 415
    foreign = client.post("/api/scenario", json=SAVE,
                          headers={"origin": "http://evil.example", "x-allocator-token": token})
    assert foreign.status_code == 403
    forged = client.post("/api/scenario", json=SAVE,
                         headers={"x-allocator-token": "guessed"})
    assert forged.status_code == 403
    for null in ("null", "http://127.0.0.1:9999", "https://127.0.0.1:8765"):
        assert client.post("/api/scenario", json=SAVE, headers={
            "origin": null, "x-allocator-token": token}).status_code == 403, null
    assert path.read_text() == original
    own = client.post("/api/scenario", json=SAVE, headers={
        "origin": "http://127.0.0.1:8765", "x-allocator-token": token})
    assert own.status_code == 200 and "name: talks" in path.read_text()


def test_every_answer_carries_the_security_headers():
    client = client_for([str(WORCESTER)])
    for answer in (client.get("/room/worcester-2016"), client.get("/instances/worcester-2016"),
                   client.get("/api/instances"), client.get("/static/room.js"),
                   client.post("/api/solve", content=b"{", headers={
                       "content-type": "application/json"}),
                   client.get("/api/instances", headers={"host": "evil.example"})):
        policy = answer.headers["content-security-policy"]
        scripts = re.search(r"script-src ([^;]*)", policy).group(1)
        assert scripts.strip() == "'self'", policy
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/room.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../../etc/passwd").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404


def test_served_pages_run_only_the_servers_own_script_files():
    client = client_for([str(WORCESTER)])
    for page in (client.get("/room/worcester-2016").text,
                 client.get("/instances/worcester-2016").text):
        # every script is a file of the server's, but the chamber's data: JSON, never run
        data = '<script type="application/json" id="chamber-data">'
        assert page.count(data) == 1
        assert [tag for tag in re.findall(r"<script[^>]*>", page) if tag != data] == [
            tag for tag in re.findall(r"<script[^>]*>", page) if 'src="/static/' in tag]
        assert '<script src="/static/report.js">' in page
        assert not re.search(r"\son[a-z]+=", page), "an inline event handler"


def test_markup_in_every_text_of_a_file_is_escaped(tmp_path):
    """Names, texts, sources, scenario texts: every text an instance file carries reaches the
    page as text, on the report written to a file and on the served pages."""
    path = tmp_path / "hostile.yaml"
    path.write_text(f"""\
name: 'Council {HOSTILE}'
sources: ['javascript:alert(1)', 'https://example.org/"><script>x</script>']
parties:
  - {{id: a, name: 'A {HOSTILE}', seats: 5}}
  - {{id: b, name: B, seats: 4}}
cabinet: {{size: 2}}
demands:
  - {{id: a-veto, party: a, type: refuse_partner, with: [b], text: 'no {HOSTILE}',
     source: '{HOSTILE}'}}
scenarios:
  - {{name: s, text: 'what if {HOSTILE}', drop: [a-veto], expect: feasible}}
""")
    from allocator import load
    from allocator.briefing import brief
    from allocator.render.report import report_html

    client = client_for([str(path)])
    pages = [report_html(brief(load(path), None, "allocator report hostile.yaml")),
             client.get("/room/hostile").text, client.get("/instances/hostile").text]
    for page in pages:
        assert "<img" not in page and "window.pwned=1</script>" not in page
        assert 'href="javascript:' not in page
        assert "&lt;img src=x" in page or "&lt;img src=x" in page.replace("&#34;", '"')


def test_twenty_thousand_demands_are_refused_at_once():
    client = client_for([str(WORCESTER)])
    body = {"instance": "worcester-2016",
            "add": ["{type: role, party: green, in: [support]}"] * 20_000}
    started = time.monotonic()
    answer = client.post("/api/solve", json=body)
    assert answer.status_code == 422 and time.monotonic() - started < 2
    assert "at most 100" in answer.text


@pytest.mark.parametrize("depth", [40, 600, 100_000])
def test_deeply_nested_json_is_a_400(depth):
    client = client_for([str(WORCESTER)])
    body = b'{"instance": "worcester-2016", "cabinet": ' + b"[" * depth + b"]" * depth + b"}"
    answer = client.post("/api/solve", content=body,
                         headers={"content-type": "application/json"})
    assert answer.status_code == 400 and "nested more than" in answer.text


def test_the_body_limit_holds_while_reading_chunked_or_not():
    client = client_for([str(WORCESTER)], limits=Limits(body=10_000))

    def chunks():
        yield b'{"instance": "worcester-2016", "text": "'
        for _ in range(100):
            yield b"x" * 1_000
        yield b'"}'

    chunked = client.post("/api/solve", content=chunks(),
                          headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    lying = client.post("/api/solve", content=b"{" + b" " * 20_000 + b"}",
                        headers={"content-type": "application/json"})
    assert lying.status_code == 413


def test_a_save_that_would_pass_the_file_limit_is_refused(writable, monkeypatch):
    path, client = writable
    original = path.read_text()
    monkeypatch.setattr(served_module, "MAX_BYTES", len(original.encode()) + 10)
    answer = client.post("/api/scenario", json={**SAVE, "text": "x" * 500},
                         headers={"x-allocator-token": token_of(client)})
    assert answer.status_code == 413 and "would grow past" in answer.text
    assert path.read_text() == original


@pytest.mark.parametrize("body, status, path", [
    ({"instance": "worcester-2016", "unknown": 1}, 422, "unknown"),
    ({"instance": "worcester-2016", "limit": True}, 422, "limit"),
    ({"instance": "worcester-2016", "add": [["nested"]]}, 422, "add[0]"),
    ({"instance": 5}, 422, "instance"),
    ({"instance": "worcester-2016", "add": ["{type: role, party: [green"]}, 422, "add[0]"),
    ({"instance": "worcester-2016", "add": ["&a [" + "*a, " * 50 + "]"]}, 422, "add[0]"),
])
def test_malformed_requests_say_where(body, status, path):
    answer = client_for([str(WORCESTER)]).post("/api/solve", json=body)
    assert answer.status_code == status
    assert path in {p["path"] for p in answer.json()["problems"]}, answer.json()


@pytest.mark.slow
def test_the_server_stays_responsive_under_hostile_requests():
    """Twenty clients send 20,000-demand bodies and deeply nested JSON while another asks for
    the list of instances: it is answered within 2 s every time, and the server logs no
    traceback."""
    with running_server(str(WORCESTER)) as (base, server):
        heavy = json.dumps({"instance": "worcester-2016", "add": [
            "{type: role, party: green, in: [support]}"] * 20_000}).encode()
        deep = b'{"instance": "worcester-2016", "cabinet": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"

        def hostile(i: int) -> int:
            return httpx.post(f"{base}/api/solve", content=heavy if i % 2 else deep,
                              headers={"content-type": "application/json"},
                              timeout=60).status_code

        with ThreadPoolExecutor(20) as pool:
            flood = [pool.submit(hostile, i) for i in range(40)]
            waits = []
            while not all(f.done() for f in flood):
                started = time.monotonic()
                assert httpx.get(f"{base}/api/instances", timeout=5).status_code == 200
                waits.append(time.monotonic() - started)
            statuses = [f.result() for f in flood]
        assert set(statuses) <= {400, 422} and max(waits) < 2, (statuses, max(waits))
        server.terminate()
        server.wait(timeout=20)
        assert "Traceback" not in server.stderr.read()


@pytest.mark.slow
def test_abandoned_solves_free_their_solvers():
    """Clients that give up on slow solves (any endpoint) leave nothing running: a normal solve
    after them answers at once, with one solver."""
    slow = str(DATA / "deadlock-30.json")
    with running_server(str(WORCESTER), slow, "--solving", "1") as (base, _):
        def abandon(path: str) -> None:  # each of these takes more than a second to answer
            with pytest.raises(httpx.ReadTimeout):
                httpx.post(f"{base}{path}", json={"instance": "deadlock-30",
                                                  "level": "coalition"}, timeout=0.3)

        with ThreadPoolExecutor(10) as pool:
            list(pool.map(abandon, ["/api/solve", "/api/answer"] * 10))
        started = time.monotonic()
        quick = httpx.post(f"{base}/api/solve", json={"instance": "worcester-2016",
                                                      "scenario": "green-backs-labour"},
                           timeout=60)
        assert quick.status_code == 200 and time.monotonic() - started < 3


@pytest.mark.slow
def test_crafted_links_and_pages_from_elsewhere_in_a_real_browser(browser, tmp_path):
    """A link to the room whose address carries markup runs no script and writes nothing, even
    under --write; a page on another site cannot make the browser write into the file."""
    path = tmp_path / "w.yaml"
    path.write_text(WORCESTER.read_text())
    original = path.read_text()
    with running_server(str(path), "--write") as (base, _):
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        # the server's message quotes the unknown party: the old room put it into innerHTML
        crafted = json.dumps(["{type: veto_leader, party: lab, of: ['<img src=x "
                              "onerror=pwned=1>']}"])
        from urllib.parse import quote

        page.goto(f"{base}/room/w#drop={quote(HOSTILE)}&scenario={quote(HOSTILE)}"
                  f"&size=1-9&forms=majority,minority&add={quote(crafted)}")
        page.locator("#answer .fail").wait_for()
        assert page.evaluate("window.pwned") is None and dialogs == []
        assert page.evaluate("typeof pwned") == "undefined"
        assert page.locator("#answer img").count() == 0 and page.locator("#added img").count() == 0
        assert "<img" in page.locator("#answer").inner_text()  # shown as text
        assert path.read_text() == original
        site = tmp_path / "evil"  # another origin: the same machine, another port
        site.mkdir()
        (site / "index.html").write_text(f"""<script>
            const body = JSON.stringify({json.dumps(SAVE)});
            fetch('{base}/api/scenario', {{method: 'POST', mode: 'no-cors',
              headers: {{'content-type': 'text/plain'}}, body}});
            fetch('{base}/api/scenario', {{method: 'POST',
              headers: {{'content-type': 'application/json'}}, body}}).catch(() => 0);
            </script>""")
        with serving_folder(site) as elsewhere:
            evil = browser.new_page()
            sent: list[str] = []
            evil.on("requestfinished", lambda r: sent.append(r.method))
            evil.on("requestfailed", lambda r: sent.append(r.method))
            evil.goto(elsewhere)
            deadline = time.monotonic() + 20
            while len([m for m in sent if m in ("POST", "OPTIONS")]) < 2:
                assert time.monotonic() < deadline, sent
                evil.wait_for_timeout(50)  # the page's own requests, as the browser reports them
        assert path.read_text() == original
        assert not list(Path(tmp_path).glob(".*.tmp"))
