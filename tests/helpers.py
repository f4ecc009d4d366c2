"""What many tests share: the bundled instances, running the command line in process, a real
server on loopback, and the browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
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


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def busy_for(process: subprocess.Popen[str], seconds: float, limit: float = 120) -> None:
    """Until the process has computed for `seconds` of CPU time, so that it is well into its
    work however loaded the machine is (a fixed sleep is not: start-up alone may take longer
    on a busy machine); fails if it ended first or `limit` passed."""
    deadline = time.monotonic() + limit
    while cpu_seconds(process.pid) < seconds:
        assert process.poll() is None, "the process ended before the test could stop it"
        assert time.monotonic() < deadline, f"the process did not compute {seconds} s in time"
        time.sleep(0.05)


def has_cairo() -> bool:
    """Whether PNG pictures can be made here: CairoSVG and the system's cairo library."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


NO_CAIRO = ("CairoSVG or the system's cairo library is missing (pip install 'allocator[plot]'; "
            "apt-get install libcairo2; .ci/run does both)")
