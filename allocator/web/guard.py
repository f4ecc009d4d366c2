"""What stands between the server and a hostile web page (or a careless client).

A page on any other site can make a browser send requests to the server on this machine; a
name the attacker controls can be made to point at 127.0.0.1 (DNS rebinding). So:

* **Host**: only requests addressed to the server by a name it serves are answered: 127.0.0.1,
  localhost, [::1], or the `--host` given (and, when it listens on every interface, any IP
  address, never a name). A rebound name is refused (400) before any work.
* **Origin**: a request that carries an `Origin` (every cross-site request a browser sends)
  must come from the server's own pages (403 otherwise). Requests without one come from
  programs, not from pages.
* **Content type**: a body is read only as `application/json`, which a browser will not send
  cross-site without a preflight the server never grants (415 otherwise); at most so many bytes
  are read, counted as they arrive, chunked or not (413).
* **Writes** carry the server's token (`X-Allocator-Token`), which only its own pages hold
  (403 otherwise).
* **Every response** says `nosniff`, forbids framing, and pages run only the server's own
  script files (a Content-Security-Policy without inline script).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: names every server answers to
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: pages run only the server's own scripts; styles may be inline (the chamber's seats carry
#: their colour), nothing is framed, fetched elsewhere or posted by a form
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; "
          "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "content-security-policy": POLICY, "x-content-type-options": "nosniff",
    "x-frame-options": "DENY", "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
TOKEN_HEADER = "x-allocator-token"


class Refused(Exception):
    """A request the server answers with an error status and a list of problems."""

    def __init__(self, status: int, message: str, path: str = "") -> None:
        super().__init__(status, message)
        self.status = status
        self.problems = [problem(message, path)]

    @classmethod
    def listing(cls, status: int, problems: list[dict[str, str]]) -> Refused:
        refused = cls(status, "")
        refused.problems = problems
        return refused


def problem(message: str, path: str = "") -> dict[str, str]:
    return {"path": path, "message": message}


def new_token() -> str:
    """A server's write token: unguessable, made when it starts."""
    return secrets.token_urlsafe(32)


def hostname(authority: str) -> str:
    """The name in a Host header or an origin's authority (`[::1]:8765` -> `::1`), lowercased,
    without a trailing dot."""
    name = authority.strip().lower()
    if name.startswith("["):
        name = name[1:name.find("]")] if "]" in name else name[1:]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name.rstrip(".")


class Addresses:
    """The names a server answers to."""

    def __init__(self, host: str) -> None:
        given = hostname(host) if host else ""
        self.names = LOOPBACK | ({given} if given else set())
        self.any_ip = given in ("0.0.0.0", "::", "")  # listening on every interface

    def serves(self, authority: str) -> bool:
        name = hostname(authority)
        if name in self.names:
            return True
        if not self.any_ip:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


class Guard:
    """ASGI middleware: Host and Origin checked before the app sees a request, the security
    headers added to every response (see the module docstring)."""

    def __init__(self, app: ASGIApp, addresses: Addresses) -> None:
        self.app = app
        self.addresses = addresses

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        refusal = self._refusal(host, headers.get("origin"), scope.get("scheme", "http"))
        if refusal is not None:
            status, message = refusal
            await _respond(send, status, {"problems": [problem(message, "headers")]})
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                added = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    added.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, secured)

    def _refusal(self, host: str, origin: str | None, scheme: str
                 ) -> tuple[int, str] | None:
        if not self.addresses.serves(host):
            return 400, ("this server answers only requests addressed to it by the name it "
                         "serves (127.0.0.1, localhost, [::1] or its --host), not "
                         f"{_quoted(host)}")
        if origin is not None and origin.strip().lower() != f"{scheme}://{host}".lower():
            return 403, (f"a page from {_quoted(origin)} may not use this server: only its "
                         "own pages may")
        return None


def _quoted(text: str) -> str:
    """A header's value as a message quotes it: printable, cut short."""
    shown = "".join(c if c.isprintable() else "?" for c in text[:100])
    return repr(shown + ("..." if len(text) > 100 else ""))


async def _respond(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            *((k.encode(), v.encode()) for k, v in HEADERS.items())]})
    await send({"type": "http.response.body", "body": data})
