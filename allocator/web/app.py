"""`allocator serve`: the instances' reports and a JSON API on a local web server (SPEC §7).

A Starlette app, run by uvicorn. The API answers what the command line answers:

* `GET /api/instances`: the instances served (their names are the files' stems);
* `GET /api/instances/{name}`: one instance, as its file says it;
* `POST /api/solve` with `{"instance", "scenario", "drop", "add", "cabinet", "government",
  "level", "limit"}` (each demand of `add` an object, or text in YAML as in the file): the
  JSON of `solve --format json` for the instance (or scenario) with those demands dropped and
  added and those cabinet and government rules changed;
* `POST /api/why-not` with the same and `"cabinet_parties"`, `"support"`: the JSON of
  `explain --why-not`;
* `GET /` and `GET /instances/{name}`: the report page; `GET /room/{name}`: the negotiation
  room (`room`), which asks `POST /api/answer` (the same body as `/api/solve`) for the answer
  part of the page after each change, and `POST /api/scenario` for the changes as YAML.

A request's changes are checked exactly as a file is: they become a scenario of the instance,
and the loader's problems come back with status 422, each with its path in the request
(`add[0].of[1]`). Malformed JSON is a 400, an unknown instance or scenario a 404, a body past
`Limits.body` a 413. Work is bounded: every solve has a time limit and a limit on what it
lists, at most `Limits.solving` solve at once off the event loop, and past `Limits.waiting`
queued requests the answer is 503 at once. Only the files named on the command line are read,
and they are written only when the server was started with `--write` (a saved scenario, the
file replaced whole and only if the loader accepts it).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from ruamel.yaml import YAML
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..api import explain, solve
from ..errors import AllocatorError, InstanceError, Problem, UsageError, format_path
from ..files import Sink, read_text
from ..instance.loader import from_dict, load, loads
from ..instance.parse import parse
from ..instance.schema import Instance
from ..instance.transform import CoalitionQuestion, resolve
from ..render import json as render_json
from ..solving.solver import Budget


@dataclass(frozen=True)
class Limits:
    """What one server may be asked to do."""

    body: int = 1_000_000  # bytes in a request
    seconds: float = 10.0  # time limit of each solve or explanation
    listed: int = 1_000  # most allocations or coalitions one answer lists
    solving: int = 2  # solves at once
    waiting: int = 64  # requests queued for a solver before the server says it is busy


class Refused(Exception):
    """A request the server answers with an error status and a list of problems."""

    def __init__(self, status: int, problems: list[dict[str, str]]) -> None:
        super().__init__(status)
        self.status = status
        self.problems = problems


def _problem(message: str, path: str = "") -> dict[str, str]:
    return {"path": path, "message": message}


class Room:
    """The instances served and the work in progress."""

    def __init__(self, paths: list[str], limits: Limits, write: bool = False) -> None:
        self.limits = limits
        self.write = write
        self.instances: dict[str, Instance] = {}
        self.paths: dict[str, Path] = {}
        for path in paths:
            name = Path(path).stem
            self.paths[name] = Path(path)
            if name in self.instances:
                raise UsageError(f"two instances are named {name}: serve files with different "
                                 "names")
            self.instances[name] = load(path)
        self.solvers = anyio.CapacityLimiter(limits.solving)
        self.waiting = 0
        self._pages: dict[tuple[str, str], str] = {}

    def instance(self, name: object) -> tuple[str, Instance]:
        if not isinstance(name, str) or name not in self.instances:
            raise Refused(404, [_problem(f"no instance named {name!r} (served: "
                                         f"{', '.join(self.instances)})", "instance")])
        return name, self.instances[name]

    async def run(self, work: Callable[[], Any]) -> Any:
        """`work()` on a worker thread, at most `solving` at once; busy past `waiting`."""
        if self.waiting >= self.limits.waiting:
            raise Refused(503, [_problem(f"busy: {self.limits.solving} solves running and "
                                         f"{self.waiting} waiting; try again shortly")])
        self.waiting += 1
        try:
            return await anyio.to_thread.run_sync(work, limiter=self.solvers)
        finally:
            self.waiting -= 1

    def save(self, name: object, scenario: str) -> None:
        """Add a scenario (one YAML list item) to an instance's file, only when the server was
        started with `--write`: the file keeps its comments, and is replaced whole, only if
        the loader accepts the result."""
        name, _ = self.instance(name)
        path = self.paths[name]
        if not self.write:
            raise Refused(403, [_problem("the server was started without --write: the "
                                         "scenario is only downloaded", "save")])
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise Refused(422, [_problem(f"{path.name}: only YAML files are written", "save")])
        text = _with_scenario(read_text(path), scenario)
        try:
            instance = loads(text, "yaml", str(path))
        except InstanceError as exc:
            raise Refused(422, [_problem(p.message, "name") for p in exc.problems]) from None
        sink = Sink(str(path))
        sink.write(text)
        sink.close()
        self.instances[name] = instance
        self._pages = {k: v for k, v in self._pages.items() if k[1] != name}

    def page(self, name: str) -> str:
        """The report page of an instance (made once, on first request)."""
        from ..render.report import report_html

        return self._made(("report", name), lambda b: report_html(b))

    def room(self, name: str) -> str:
        """The negotiation room of an instance (made once, on first request)."""
        from .room import room_html

        return self._made(("room", name),
                          lambda b: room_html(name, self.instances[name], b, self.write))

    def _made(self, key: tuple[str, str], make: Callable[[Any], str]) -> str:
        from ..briefing import brief

        if key not in self._pages:
            name = key[1]
            self._pages[key] = make(brief(self.instances[name], None,
                                          f"allocator serve: {name}", self.limits.seconds))
        return self._pages[key]


async def _body(request: Request, limits: Limits) -> dict[str, Any]:
    body = await request.body()
    if len(body) > limits.body:
        raise Refused(413, [_problem(f"the request has {len(body):,} bytes; at most "
                                     f"{limits.body:,} are read")])
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, [_problem(f"not JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise Refused(400, [_problem("the request must be a JSON object")])
    return data


CHANGES = ("drop", "add", "cabinet", "government")


def changed(room: Room, data: dict[str, Any]) -> tuple[Instance, str | None]:
    """The instance a request asks about: its scenario applied, then its changes, checked by
    the loader as a scenario of the instance would be."""
    name, instance = room.instance(data.get("instance"))
    scenario = data.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise Refused(422, [_problem("give a scenario's name, or null", "scenario")])
    try:
        problem = resolve(instance, scenario)
    except UsageError as exc:
        raise Refused(404, [_problem(str(exc), "scenario")]) from None
    changes = {key: data[key] for key in CHANGES if data.get(key) is not None}
    if not changes:
        return problem, scenario
    if isinstance(changes.get("add"), list):
        changes["add"] = [_written(item, f"add[{i}]") for i, item in enumerate(changes["add"])]
    raw = problem.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["scenarios"] = [{"name": "request", **changes}]
    try:
        return resolve(from_dict(raw), "request"), scenario
    except InstanceError as exc:
        raise Refused(422, [_request_problem(p) for p in exc.problems]) from None


def _with_scenario(text: str, scenario: str) -> str:
    """A YAML file's text with one more entry in its `scenarios` list (ruamel's round trip
    keeps the comments and the layout of everything else)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 10_000  # never fold a long line the file keeps whole
    yaml.indent(mapping=2, sequence=4, offset=2)  # lists indented under their key, as here
    document = yaml.load(text)
    entry = yaml.load(scenario)[0]
    if document.get("scenarios") is None:
        document["scenarios"] = []
    document["scenarios"].append(entry)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _written(item: object, path: str) -> object:
    """A demand given as text (as a person types it into the room: YAML, like the file) ->
    plain data; a demand given as an object stays as it is."""
    if not isinstance(item, str):
        return item
    try:
        return parse(item, "yaml", None).data
    except InstanceError as exc:
        raise Refused(422, [_problem(p.message, path) for p in exc.problems]) from None


def _request_problem(problem: Problem) -> dict[str, str]:
    """A loader problem, with its path as it stands in the request."""
    path = problem.path
    if path[:2] == ("scenarios", 0):
        path = path[2:]
    return {"path": format_path(path), "message": problem.message, "kind": problem.kind}


async def _stop_when_gone(request: Request, budget: Budget) -> None:
    """Stop the work of a request whose client went away (the room abandons a request when a
    newer change comes), so that it frees its solver at once."""
    while not await request.is_disconnected():
        await anyio.sleep(0.1)
    budget.stop("interrupt")


def _limit(data: dict[str, Any], limits: Limits) -> int:
    limit = data.get("limit", limits.listed)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= limits.listed:
        raise Refused(422, [_problem(f"give a whole number from 1 to {limits.listed:,}",
                                     "limit")])
    return limit


def _level(data: dict[str, Any]) -> Any:
    level = data.get("level", "allocation")
    if level not in ("allocation", "coalition"):
        raise Refused(422, [_problem("give allocation or coalition", "level")])
    return level


def create_app(paths: list[str], limits: Limits | None = None,
               write: bool = False) -> Starlette:
    """The web app serving these instance files; with `write`, the room may add scenarios to
    them."""
    room = Room(paths, limits or Limits(), write)
    limits = room.limits

    def guarded(handler: Callable[[Request], Awaitable[Response]]
                ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as refused:
                return JSONResponse({"problems": refused.problems}, status_code=refused.status)
            except AllocatorError as exc:
                return JSONResponse({"problems": [_problem(str(exc))]},
                                    status_code=422 if exc.exit_code == 2 else 500)
        return endpoint

    async def instances(request: Request) -> Response:
        return JSONResponse([{"name": name, "title": i.name, "parties": i.party_ids,
                              "scenarios": [s.name for s in i.scenarios]}
                             for name, i in room.instances.items()])

    async def instance(request: Request) -> Response:
        _, found = room.instance(request.path_params["name"])
        return JSONResponse(found.model_dump(mode="json", by_alias=True, exclude_none=True))

    async def solve_endpoint(request: Request) -> Response:
        data = await _body(request, limits)
        problem, scenario = changed(room, data)
        level, limit = _level(data), _limit(data, limits)
        result = await room.run(lambda: solve(problem, level=level, limit=limit,
                                              time_limit=limits.seconds))
        document = json.loads(render_json.to_json(result))
        document["scenario"] = scenario
        return JSONResponse(document)

    async def why_not(request: Request) -> Response:
        data = await _body(request, limits)
        problem, scenario = changed(room, data)
        cabinet, support = data.get("cabinet_parties"), data.get("support")
        if not isinstance(cabinet, list) or not all(isinstance(p, str) for p in cabinet):
            raise Refused(422, [_problem("give the cabinet's parties as a list",
                                         "cabinet_parties")])
        if support is not None and (not isinstance(support, list)
                                    or not all(isinstance(p, str) for p in support)):
            raise Refused(422, [_problem("give the supporters as a list, or null", "support")])
        question = CoalitionQuestion(tuple(cabinet), None if support is None else tuple(support))
        answer = await room.run(lambda: explain(problem, why_not=question,
                                                time_limit=limits.seconds))
        document = render_json.explanation_dict(answer)
        document["scenario"] = scenario
        return JSONResponse(document)

    async def page(request: Request) -> Response:
        name, _ = room.instance(request.path_params.get("name", next(iter(room.instances))))
        return HTMLResponse(await room.run(lambda: room.page(name)))

    async def room_page(request: Request) -> Response:
        name, _ = room.instance(request.path_params["name"])
        return HTMLResponse(await room.run(lambda: room.room(name)))

    async def answer(request: Request) -> Response:
        from ..briefing import brief
        from ..render.report import answer_html

        data = await _body(request, limits)
        problem, _ = changed(room, data)
        budget = Budget(limits.seconds)
        async with anyio.create_task_group() as watching:
            watching.start_soon(_stop_when_gone, request, budget)
            briefing = await room.run(lambda: brief(problem, None, "allocator serve",
                                                    budget=budget))
            watching.cancel_scope.cancel()
        return JSONResponse({"html": answer_html(briefing)})

    async def scenario(request: Request) -> Response:
        from .room import scenario_yaml

        data = await _body(request, limits)
        changed(room, data)  # the changes must be valid
        name, text = data.get("name"), data.get("text") or ""
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_-]{1,100}", name):
            raise Refused(422, [_problem("a scenario's name is lowercase letters, digits, - "
                                         "and _", "name")])
        entry = {k: data[k] for k in CHANGES if data.get(k)}
        if isinstance(entry.get("add"), list):
            entry["add"] = [_written(item, f"add[{i}]") for i, item in enumerate(entry["add"])]
        if data.get("scenario"):  # a scenario cannot build on another: say which it was
            text = f"{text} (on top of scenario {data['scenario']})".strip()
        yaml_text = scenario_yaml(name, str(text), entry)
        if data.get("save"):
            room.save(data.get("instance"), yaml_text)
        return Response(yaml_text, media_type="text/yaml")

    return Starlette(routes=[
        Route("/", guarded(page)),
        Route("/instances/{name}", guarded(page)),
        Route("/room/{name}", guarded(room_page)),
        Route("/api/answer", guarded(answer), methods=["POST"]),
        Route("/api/scenario", guarded(scenario), methods=["POST"]),
        Route("/api/instances", guarded(instances)),
        Route("/api/instances/{name}", guarded(instance)),
        Route("/api/solve", guarded(solve_endpoint), methods=["POST"]),
        Route("/api/why-not", guarded(why_not), methods=["POST"]),
    ])
