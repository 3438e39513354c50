"""Fixtures for the browser tests: a real server, its answer key, and Debian's Chromium.

Every pytest process (each xdist worker too) starts its own gunicorn on its own SQLite file,
so tests in different processes never share data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from .server import KzstudyServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
# Playwright's default waits (30 s for actions) would hide a hung page for too long; its 5 s for
# assertions is short on a busy machine.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser against a real server")


@pytest.fixture(scope="session")
def server(article_path: Path, tmp_path_factory) -> Iterator[KzstudyServer]:
    """kzstudy under gunicorn with the article, the content pack and the demo accounts."""
    app = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=tmp_path_factory.mktemp("e2e"),
        article=article_path,
    )
    app.set_up()
    app.start()
    yield app
    app.stop()


@pytest.fixture(scope="session")
def answer_key(server: KzstudyServer) -> dict[str, dict[str, Any]]:
    """The exported bank by stem: type, choices and right answers as the pages show them."""
    return server.answer_key()


# One per module, not per session: while Playwright's sync API is started, its event loop counts
# as running in the worker's thread, and Django then refuses database connections made outside
# a request ("cannot call this from an async context") in whichever tests run next there.
@pytest.fixture(scope="module")
def outage_server(tmp_path_factory) -> Iterator[KzstudyServer]:
    """A server of the module's own on a SQLite file whose writes give up after a second: the
    test takes the database away by holding SQLite's write lock (`sqlite3` BEGIN EXCLUSIVE)."""
    workdir = tmp_path_factory.mktemp("outage")
    app = KzstudyServer(
        base_dir=Path(settings.BASE_DIR),
        workdir=workdir,
        article=None,
        database_url=f"sqlite:///{workdir / 'app.sqlite3'}",
        extra_env={"SQLITE_TIMEOUT": "1"},
    )
    app.set_up()
    app.start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium; the tests skip without it unless KZSTUDY_REQUIRE_BROWSER=1 (CI)."""
    if not Path(CHROMIUM).is_file():
        reason = f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("KZSTUDY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and KZSTUDY_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies: one signed-in user each)."""
    contexts: list[BrowserContext] = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(**{"viewport": DESKTOP, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()
