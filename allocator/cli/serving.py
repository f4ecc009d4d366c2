"""`allocator serve`: the reports, the negotiation room and the JSON API on a local web
server."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..extras import require
from . import options
from .running import run_command

if TYPE_CHECKING:
    from ..likely.model import FormationModel


@click.command("serve")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default answers this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--seconds", "seconds", type=float, callback=options.seconds, default=10.0,
              show_default=True, metavar="S", help="Time limit of each solve.")
@click.option("--solving", type=click.IntRange(min=1), default=2, show_default=True,
              metavar="N", help="Solves at once; more requests wait.")
@click.option("--write", is_flag=True,
              help="Let the room save scenarios into the YAML files served (kept whole, "
                   "comments kept).")
@options.MODEL
def serve(files: tuple[str, ...], host: str, port: int, seconds: float, solving: int,
          write: bool, model: FormationModel | None) -> None:
    """The reports of FILES and a JSON API on a local web server (Ctrl-C stops it)."""

    def work() -> int:
        uvicorn = require("uvicorn", "web")
        require("starlette", "web")
        from ..web.app import create_app
        from ..web.served import Limits

        app = create_app(list(files), Limits(seconds=seconds, solving=solving), write, host,
                         model)
        listening = _bound(host, port)
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"serving {len(files)} instance{'s' if len(files) != 1 else ''} on "
                   f"http://{shown}:{listening.getsockname()[1]}/ (Ctrl-C stops)", err=True)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        server.run(sockets=[listening])
        return 0

    run_command(work)


def _bound(host: str, port: int) -> socket.socket:
    """A listening socket on `host`:`port`, or a clear message why not (a busy port, an
    address this machine does not have)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        listening = socket.socket(family, socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(128)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host} port {port}: {exc.strerror or exc}; give "
                         "another --port (or stop the server that has it)") from None
    return listening
