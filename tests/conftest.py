"""Fixtures the tests share; plain helpers are in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import CHROMIUM, NO_CHROMIUM


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes seconds (a browser, a running "
                                       "server, a cluster); `-m 'not slow'` leaves them out")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless chromium (Debian's), shared by the tests that open pages; skipped with a
    reason where it is not installed."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield launched
        launched.close()
