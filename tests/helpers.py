"""What many tests share: the bundled instances, running the command line in process, a real
server on loopback, and the browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from click.testing import CliRunner

from allocator import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
INSTANCES = sorted((ROOT / "instances").glob("*.yaml"))
WORCESTER = ROOT / "instances" / "worcester-2016.yaml"
GERMANY = ROOT / "instances" / "germany-2017.yaml"
BENCHMARKS = ROOT / "benchmarks" / "instances"
#: Debian's chromium (.ci/run installs it; Playwright's own browser download is not reachable)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"


def run(*args: object) -> tuple[int, str, str]:
    """`allocator ARGS` in this process: (exit status, stdout, stderr)."""
    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(base: str, server: subprocess.Popen[str], seconds: float = 60) -> None:
    """Until the server answers (or has died, or `seconds` passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = server.stderr.read() if server.stderr else ""
            raise AssertionError(f"the server ended: {said}")
        try:
            httpx.get(f"{base}/api/instances", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"no server answered at {base} within {seconds} s")


@contextmanager
def running_server(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`allocator serve ARGS` on a free loopback port, ready; stopped (SIGTERM) on leaving."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "allocator.cli", "serve", *args,
                               "--port", str(port)], stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base, server)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=20)
