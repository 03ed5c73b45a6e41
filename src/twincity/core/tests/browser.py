"""Shared fixtures for the tests that drive a real browser (Debian's Chromium through Playwright).

The project's root ``conftest.py`` imports the fixtures from here, so that every app's browser tests
see them and they override pytest-playwright's defaults; tests import ``login`` directly.

Every page a browser test opens is watched: a console error, an uncaught script error, a failed
request for one of our own assets or a Content-Security-Policy violation fails the test (the app has
a strict CSP, ``script-src 'self'`` and ``style-src 'self'``; a violation is a bug we want to see).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from twincity.testing import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, never a downloaded browser; no calls home from the test machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
# A browser in a Chinese government office asks for Chinese first; the language switch test asks otherwise.
BROWSER_LOCALE = "zh-CN"

# Reports every CSP violation to the test, whatever page it happens on (init scripts run before the
# page's own scripts and are not subject to the page's CSP).
_WATCH_CSP = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__tcReport && window.__tcReport(
    "CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


@pytest.fixture(scope="session", name="browser_type_launch_args")
def browser_type_launch_args_fixture(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session", name="browser_context_args")
def browser_context_args_fixture(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "locale": BROWSER_LOCALE, "timezone_id": "Asia/Shanghai"}


class PageProblems(list):
    """What went wrong in the browser while a test ran, in the order it happened."""

    def watch(self, page, origin: str) -> None:
        page.expose_binding("__tcReport", lambda _source, message: self.append(message))
        page.add_init_script(_WATCH_CSP)
        page.on("console", lambda msg: self.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.append(f"uncaught script error: {exc}"))
        page.on(
            "requestfailed",
            lambda req: (
                self.append(f"request failed: {req.url} ({req.failure})")
                # ERR_ABORTED: the page navigated on before a request finished (a person clicking on).
                if req.url.startswith(origin) and req.failure != "net::ERR_ABORTED"
                else None
            ),
        )
        page.on(
            "response",
            lambda resp: (
                self.append(f"HTTP {resp.status}: {resp.url}")
                if resp.url.startswith(origin) and resp.status >= 400
                else None
            ),
        )


@pytest.fixture(name="browser_page")
def browser_page_fixture(page, live_server):
    """A Playwright page on the live server that fails the test on any console error or CSP violation.

    Tests that expect an error response on purpose can ``browser_page.problems.clear()`` after it.
    """
    problems = PageProblems()
    problems.watch(page, live_server.url)
    page.problems = problems
    # Room for a busy two-core CI machine; a test still fails fast when what it waits for never comes.
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield page
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(f"  - {p}" for p in problems), pytrace=False)


def login(page, live_server, username: str, password: str | None = None) -> None:
    """Sign in through the login form as a person would (a bad password fails the test at once)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    # The language buttons in the navbar are submit buttons of another form: always click this one.
    page.click("#login-submit")
    expect(page.locator("#id_password")).to_have_count(0)
