"""`allocator serve`: the instances' reports, the negotiation room and a JSON API on a local web
server (SPEC §7). A Starlette app, run by uvicorn; `guard` keeps hostile pages out, `served`
bounds the work, `requests` says what a request may hold.

The API answers what the command line answers:

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
  part of the page after each change, and `POST /api/scenario` for the changes as YAML (with
  `"save": true` and the page's token, written into the file under `--write`);
* `GET /static/{name}`: the pages' style sheet and scripts.

A request's changes are checked exactly as a file is: they become a scenario of the instance,
and the loader's problems come back with status 422, each with its path in the request
(`add[0].of[1]`). Malformed JSON is a 400, an unknown instance or scenario a 404, a body past
`Limits.body` a 413, a body that is not JSON a 415, a foreign Host a 400 and a foreign Origin
or a write without the token a 403.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..api import explain, solve
from ..errors import AllocatorError, InstanceError, Problem, UsageError, format_path
from ..instance.loader import from_dict
from ..instance.parse import parse
from ..instance.schema import Instance
from ..instance.transform import CoalitionQuestion, resolve
from ..likely.model import FormationModel
from ..render import json as render_json
from ..render.pages import static_text
from ..solving.solver import Budget
from .guard import TOKEN_HEADER, Addresses, Guard, Refused, problem
from .requests import Changes, Listing, Saving, WhyNot, body, validated
from .room import room_of
from .served import Limits, Served

#: the files under /static/, and the package each comes from
STATIC = {"report.css": ("allocator.render", "text/css"),
          "report.js": ("allocator.render", "text/javascript"),
          "room.js": ("allocator.web", "text/javascript")}

Handler = Callable[[Request], Awaitable[Response]]
#: served pages open the allocations of their first governments only, so that the room answers
#: a change at once (`allocator report` writes them all)
DETAILED = 10


def create_app(paths: list[str], limits: Limits | None = None, write: bool = False,
               host: str = "127.0.0.1", model: FormationModel | None = None) -> Starlette:
    """The web app serving these instance files, addressed as `host` (and loopback); with
    `write`, the room may add scenarios to them; `model`: the formation model of its pages and
    why-nots (the shipped one by default)."""
    served = Served(paths, limits or Limits(), write)
    limits = served.limits

    async def instances(request: Request) -> Response:
        return JSONResponse([{"name": name, "title": i.name, "parties": i.party_ids,
                              "scenarios": [s.name for s in i.scenarios]}
                             for name, i in served.instances.items()])

    async def instance(request: Request) -> Response:
        _, found = served.instance(request.path_params["name"])
        return JSONResponse(found.model_dump(mode="json", by_alias=True, exclude_none=True))

    async def solve_endpoint(request: Request) -> Response:
        asked = validated(Listing, await body(request, limits.body))
        limit = _limit(asked, limits)

        def work(budget: Budget) -> dict[str, Any]:
            problem_, _ = changed(served, asked)
            result = solve(problem_, level=asked.level, limit=limit, budget=budget)
            document: dict[str, Any] = json.loads(render_json.to_json(result))
            document["scenario"] = asked.scenario
            return document

        return JSONResponse(await served.run(request, work))

    async def why_not(request: Request) -> Response:
        asked = validated(WhyNot, await body(request, limits.body))
        question = CoalitionQuestion(tuple(asked.cabinet_parties), None if asked.support
                                     is None else tuple(asked.support))

        def work(budget: Budget) -> dict[str, Any]:
            try:
                answer = explain(changed(served, asked)[0], why_not=question, budget=budget,
                                 model=model)
            except UsageError as exc:
                raise Refused(422, str(exc), "cabinet_parties") from None
            document = render_json.explanation_dict(answer)
            document["scenario"] = asked.scenario
            return document

        return JSONResponse(await served.run(request, work))

    async def page(request: Request) -> Response:
        from ..briefing import brief
        from ..render.report import report_html

        name, found = served.instance(request.path_params.get("name",
                                                               next(iter(served.instances))))
        return HTMLResponse(await served.run(request, lambda budget: served.kept(
            ("report", name, ""), lambda b: report_html(
                brief(found, None, f"allocator serve: {name}", budget=b, model=model,
                      detailed=DETAILED), inline=False, room_link=room_of(name)),
            budget)))

    async def room_page(request: Request) -> Response:
        from ..briefing import brief
        from .room import room_html

        name, found = served.instance(request.path_params["name"])
        return HTMLResponse(await served.run(request, lambda budget: served.kept(
            ("room", name, ""), lambda b: room_html(
                name, found, brief(found, None, f"allocator serve: {name}", budget=b,
                                   model=model, detailed=DETAILED),
                served.token, served.write), budget)))

    async def answer(request: Request) -> Response:
        from ..briefing import brief
        from ..render.report import answer_html

        asked = validated(Listing, await body(request, limits.body))

        def work(budget: Budget) -> dict[str, str]:
            briefing = brief(changed(served, asked)[0], None, "allocator serve",
                             budget=budget, model=model, detailed=DETAILED)
            return {"html": answer_html(briefing, room_of(asked.instance))}

        changes = hashlib.sha256(asked.model_dump_json().encode()).hexdigest()
        return JSONResponse(await served.run(request, lambda budget: served.kept(
            ("answer", asked.instance, changes), work, budget)))

    async def scenario(request: Request) -> Response:
        from .room import scenario_yaml

        asked = validated(Saving, await body(request, limits.body))
        if asked.save and request.headers.get(TOKEN_HEADER) != served.token:
            raise Refused(403, "a write needs the token of this server's own room page",
                          "headers")
        served.instance(asked.instance)

        def work(budget: Budget) -> str:
            _, entry = changed(served, asked)  # the changes must be valid
            text = asked.text
            if asked.scenario:  # a scenario cannot build on another: say which it was
                text = f"{text} (on top of scenario {asked.scenario})".strip()
            said = scenario_yaml(asked.name, text, entry)
            if asked.save:
                served.save(asked.instance, said)
            return said

        return Response(await served.run(request, work), media_type="text/yaml")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise Refused(404, "no such file", "name")
        package, kind = STATIC[name]
        return Response(static_text(name, package), media_type=kind,
                        headers={"cache-control": "no-cache"})

    return Starlette(routes=[
        Route("/", _answered(page)),
        Route("/instances/{name}", _answered(page)),
        Route("/room/{name}", _answered(room_page)),
        Route("/static/{name}", _answered(static)),
        Route("/api/answer", _answered(answer), methods=["POST"]),
        Route("/api/scenario", _answered(scenario), methods=["POST"]),
        Route("/api/instances", _answered(instances)),
        Route("/api/instances/{name}", _answered(instance)),
        Route("/api/solve", _answered(solve_endpoint), methods=["POST"]),
        Route("/api/why-not", _answered(why_not), methods=["POST"]),
    ], middleware=[Middleware(Guard, addresses=Addresses(host))])


def _answered(handler: Handler) -> Handler:
    """A handler whose refusals and user mistakes become a status and a list of problems."""
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refused:
            return JSONResponse({"problems": refused.problems}, status_code=refused.status)
        except AllocatorError as exc:
            return JSONResponse({"problems": [problem(str(exc))]},
                                status_code=422 if exc.exit_code == 2 else 500)
    return endpoint


def _limit(asked: Listing, limits: Limits) -> int:
    if asked.limit is not None and asked.limit > limits.listed:
        raise Refused(422, f"give a whole number from 1 to {limits.listed:,}", "limit")
    return asked.limit or limits.listed


def changed(served: Served, asked: Changes) -> tuple[Instance, dict[str, Any]]:
    """The instance a request asks about (its scenario applied, then its changes, checked by
    the loader as a scenario of the instance would be), and the changes as plain data (the
    demands typed as text parsed)."""
    _, instance = served.instance(asked.instance)
    try:
        problem_ = resolve(instance, asked.scenario)
    except UsageError as exc:
        raise Refused(404, str(exc), "scenario") from None
    changes = asked.changes()
    if not changes:
        return problem_, changes
    if "add" in changes:
        changes["add"] = [_written(item, f"add[{i}]") for i, item in enumerate(asked.add)]
    raw = problem_.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["scenarios"] = [{"name": "request", **changes}]
    try:
        return resolve(from_dict(raw), "request"), changes
    except InstanceError as exc:
        raise Refused.listing(422, [_request_problem(p) for p in exc.problems]) from None


def _written(item: object, path: str) -> object:
    """A demand given as text (as a person types it into the room: YAML, like the file) ->
    plain data; a demand given as an object stays as it is."""
    if not isinstance(item, str):
        return item
    try:
        return parse(item, "yaml", None).data
    except InstanceError as exc:
        raise Refused.listing(422, [problem(p.message, path) for p in exc.problems]) from None


def _request_problem(found: Problem) -> dict[str, str]:
    """A loader problem, with its path as it stands in the request."""
    path = found.path
    if path[:2] == ("scenarios", 0):
        path = path[2:]
    return {"path": format_path(path), "message": found.message, "kind": found.kind}
