"""What the API's requests may hold (pydantic models, as the instance format is), and how a
request's body is read: JSON only, bounded while it is read, parsed off the event loop, nested
at most `MAX_DEPTH` deep.

The parts of a request that change the instance (`drop`, `add`, `cabinet`, `government`) are
checked by the loader exactly as a scenario in the file would be (`app.changed`); these models
check only their shape and bounds, so that no request can ask for unbounded work.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

import anyio
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request

from ..errors import format_path
from ..instance.fields import MAX_ITEMS, MAX_PARTIES, MAX_TEXT, Slug
from .guard import Refused, problem

#: demands a request may add (each is parsed and checked like a file's)
MAX_ADDED = 100
#: JSON nested deeper than this is refused before anything reads it
MAX_DEPTH = 32

Name = Annotated[str, Field(max_length=200)]
M = TypeVar("M", bound=BaseModel)


class Changes(BaseModel):
    """An instance served, optionally one of its scenarios, and the changes asked for."""

    model_config = ConfigDict(extra="forbid", strict=True)

    instance: Name
    scenario: Name | None = None
    drop: list[Name] = Field(default_factory=list, max_length=MAX_ITEMS)
    add: list[dict[str, Any] | Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list, max_length=MAX_ADDED,
        description="demands as objects, or as text in YAML as in the file")
    cabinet: dict[str, Any] | None = None
    government: dict[str, Any] | None = None

    def changes(self) -> dict[str, Any]:
        """The changes given, as a scenario of the file would hold them."""
        return {key: value for key in ("drop", "add", "cabinet", "government")
                if (value := getattr(self, key))}


class Listing(Changes):
    """`POST /api/solve` and `POST /api/answer`."""

    level: Literal["allocation", "coalition"] = "allocation"
    limit: int | None = Field(default=None, ge=1)


class WhyNot(Changes):
    """`POST /api/why-not`: a cabinet, and its supporters (None: any support)."""

    cabinet_parties: list[Name] = Field(min_length=1, max_length=MAX_PARTIES)
    support: list[Name] | None = Field(default=None, max_length=MAX_PARTIES)


class Saving(Listing):
    """`POST /api/scenario`: the changes as a scenario named `name`; with `save`, written into
    the file."""

    name: Slug
    text: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    save: bool = False


async def body(request: Request, limit: int) -> dict[str, Any]:
    """A request's body as a JSON object: only `application/json` (415), at most `limit`
    bytes counted as they arrive (413), valid JSON (400) nested at most MAX_DEPTH deep."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise Refused(415, "send the request as JSON, with Content-Type: application/json",
                      "headers")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"the request has {int(declared):,} bytes; at most {limit:,} are "
                           "read")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the request has more than {limit:,} bytes; at most "
                               f"{limit:,} are read")
        chunks.append(chunk)
    return await anyio.to_thread.run_sync(parse, b"".join(chunks))


def parse(raw: bytes) -> dict[str, Any]:
    """JSON bytes -> an object, or a 400 saying what is wrong."""
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, f"not JSON: {exc}") from None
    except RecursionError:
        raise Refused(400, f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(data, dict):
        raise Refused(400, "the request must be a JSON object")
    if depth(data) > MAX_DEPTH:
        raise Refused(400, f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return data


def depth(value: object) -> int:
    """How deeply lists and objects nest in a JSON value (without recursion)."""
    deepest, waiting = 0, [(value, 1)]
    while waiting:
        item, level = waiting.pop()
        if isinstance(item, dict):
            items: list[object] = list(item.values())
        elif isinstance(item, list):
            items = item
        else:
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            waiting += [(child, level + 1) for child in items]
    return deepest


def validated(model: type[M], data: dict[str, Any]) -> M:
    """The request as its model, or a 422 listing every problem with its path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Refused.listing(422, [
            problem(str(e["msg"]).replace("Value error, ", ""),
                    format_path(tuple(p for p in e["loc"] if not _branch(p))))
            for e in exc.errors()]) from None


def _branch(part: object) -> bool:
    """A part of pydantic's location that names a union's branch, not a key of the request."""
    return isinstance(part, str) and (part.startswith(("dict[", "str")) or "[" in part)
