"""The instances a server serves, the work it does for them, and the files it may write.

All solving runs on worker threads, at most `Limits.solving` at once, each under one `Budget`
(the time limit of a request) that stops at once when the client goes away: a request waiting
for a solver stops waiting, one that is solving stops solving, so an abandoned request never
holds a solver. Past `Limits.waiting` requests queued, the answer is 503 at once. Only the files
named on the command line are read, and written only under `--write`: a saved scenario, the
file replaced whole, only if the loader accepts the result and it stays within the limits every
instance file must respect.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import anyio
from ruamel.yaml import YAML
from starlette.requests import Request

from ..errors import InstanceError, UsageError
from ..files import MAX_BYTES, read_text, write_whole
from ..instance.loader import load, loads
from ..instance.schema import Instance
from ..solving.solver import Budget
from .guard import Refused, new_token, problem

T = TypeVar("T")
#: the most pages and answers kept (`Served.kept`): a page is about 250 KB
KEPT = 64
#: how often a request's client is looked for while its work runs (seconds)
WATCH = 0.1


@dataclass(frozen=True)
class Limits:
    """What one server may be asked to do."""

    body: int = 1_000_000  # bytes in a request
    seconds: float = 10.0  # time limit of each solve or explanation
    listed: int = 1_000  # most allocations or coalitions one answer lists
    solving: int = 2  # solves at once
    waiting: int = 64  # requests queued for a solver before the server says it is busy


class Served:
    """The instances served (by their files' stems), their pages, and the work in progress."""

    def __init__(self, paths: list[str], limits: Limits, write: bool = False) -> None:
        self.limits = limits
        self.write = write
        self.token = new_token()
        self.instances: dict[str, Instance] = {}
        self.paths: dict[str, Path] = {}
        for path in paths:
            name = Path(path).stem
            if name in self.instances:
                raise UsageError(f"two instances are named {name}: serve files with different "
                                 "names")
            self.paths[name] = Path(path)
            self.instances[name] = load(path)
        self.solvers = anyio.CapacityLimiter(limits.solving)
        self.waiting = 0
        self._kept: OrderedDict[tuple[str, str, str], object] = OrderedDict()
        self._keeping = threading.Lock()

    def instance(self, name: object) -> tuple[str, Instance]:
        if not isinstance(name, str) or name not in self.instances:
            raise Refused(404, f"no instance named {str(name)[:100]!r} (served: "
                               f"{', '.join(self.instances)})", "instance")
        return name, self.instances[name]

    async def run(self, request: Request, work: Callable[[Budget], T]) -> T:
        """`work(budget)` on a solver thread, with the request's time limit; stopped (and its
        place in the queue given up) when the client goes away; busy past `waiting`."""
        if self.waiting >= self.limits.waiting:
            raise Refused(503, f"busy: {self.limits.solving} solves running and "
                               f"{self.waiting} waiting; try again shortly")
        self.waiting += 1
        budget = Budget(self.limits.seconds)
        answers: list[T] = []
        errors: list[Exception] = []

        def attempt() -> None:
            try:  # a refusal from the work is the request's answer, not the task group's
                answers.append(work(budget))
            except Exception as exc:
                errors.append(exc)

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(_stop_when_gone, request, budget, group.cancel_scope)
                await anyio.to_thread.run_sync(attempt, limiter=self.solvers)
                group.cancel_scope.cancel()
        finally:
            self.waiting -= 1
        if errors:
            raise errors[0]
        if not answers:  # the client went away before an answer: nobody reads this
            raise Refused(499, "the client went away")
        return answers[0]


    def kept(self, key: tuple[str, str, str], make: Callable[[Budget], T],
             budget: Budget) -> T:
        """What `make` gives for `key` (what is made, of which instance, from what: a page,
        or the room's answer to a change, by the digest of the changes), made once while it
        is among the KEPT last asked for: going back to a page or to a change asked before
        answers at once. What was cut short because its client went away is not kept."""
        with self._keeping:  # (solver threads ask at once)
            if key in self._kept:
                self._kept.move_to_end(key)
                return cast(T, self._kept[key])
        made = make(budget)
        if budget.stopped != "interrupt":
            with self._keeping:
                self._kept[key] = made
                while len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
        return made

    def save(self, name: str, scenario: str) -> None:
        """Add a scenario (one YAML list item) to an instance's file, only when the server was
        started with `--write`: the file keeps its comments, and is replaced whole, only if
        the loader accepts the result and it stays within the limits of an instance file."""
        path = self.paths[name]
        if not self.write:
            raise Refused(403, "the server was started without --write: the scenario is only "
                               "downloaded", "save")
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise Refused(422, f"{path.name}: only YAML files are written", "save")
        text = with_scenario(read_text(path), scenario)
        if len(text.encode()) > MAX_BYTES:
            raise Refused(413, f"{path.name} would grow past {MAX_BYTES:,} bytes, the most an "
                               "instance file may hold: not written", "save")
        try:
            instance = loads(text, "yaml", str(path))
        except InstanceError as exc:
            raise Refused.listing(422, [problem(p.message, "name") for p in exc.problems]
                                  ) from None
        write_whole(path, text, what=path.name)
        self.instances[name] = instance
        with self._keeping:
            for key in [k for k in self._kept if k[1] == name]:
                del self._kept[key]


async def _stop_when_gone(request: Request, budget: Budget,
                          scope: anyio.CancelScope) -> None:
    """Stop a request's work when its client goes away (the room abandons a request when a
    newer change comes), so that it frees its solver, or its place in the queue, at once."""
    while not await request.is_disconnected():
        await anyio.sleep(WATCH)
    budget.stop("interrupt")
    scope.cancel()


def with_scenario(text: str, scenario: str) -> str:
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
