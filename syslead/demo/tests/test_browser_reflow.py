"""Every page works at 320 px wide (WCAG 2.2, 1.4.10 Reflow; docs/ux.md, "Small screens"): with the
whole demo built, each featured demo person signs in once, starts at the home page and follows
the site's own links breadth first, one page of each kind (URL name) per person, at a viewport 320
px wide (people with the same roles share what they have opened). No page may scroll sideways.
Axe runs on the changed pages elsewhere (``syslead/core/tests/test_browser_reflow_axe.py``); here
only the width is measured."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Page

from conftest import browser_signed_in
from syslead.accounts.models import RoleAssignment
from syslead.demo.people import FEATURED_EMAILS

pytestmark = pytest.mark.browser

WIDTH = 320
#: Addresses never opened: downloads, signing out, Django's admin, the API.
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".zip")
SKIPPED_PREFIXES = ("/admin/", "/api/", "/accounts/logout/", "/static/", "/media/")
#: A bound on the pages one person opens (each a different kind of page).
MAX_PAGES_PER_PERSON = 80

LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
WIDTH_JS = "() => document.documentElement.scrollWidth"
#: What sticks out: the innermost elements whose right edge passes the viewport's (at most three).
CULPRITS_JS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
    && !Array.from(el.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 3)
  .map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))"""


def _page_kind(path: str) -> str | None:
    """The URL name a path resolves to, or None for a path that is not one of the site's pages
    (or one never opened)."""
    if path.endswith(SKIPPED_SUFFIXES) or path.startswith(SKIPPED_PREFIXES):
        return None
    if "logout" in path or "sign-out" in path:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match._func_path


def _crawl(page: Page, origin: str, seen_kinds: set[str]) -> list[tuple[str, int, list[str]]]:
    """Breadth first from the home page: every kind of page this person can reach that is not
    in ``seen_kinds`` (what someone with the same roles already opened), with the widths of
    those that scroll sideways."""
    wide: list[tuple[str, int, list[str]]] = []
    seen_kinds.add(_page_kind("/") or "/")
    queue: deque[str] = deque(["/"])
    opened = 0
    while queue and opened < MAX_PAGES_PER_PERSON:
        path = queue.popleft()
        response = page.goto(path)
        opened += 1
        if response is None or not response.ok:
            continue
        width = int(page.evaluate(WIDTH_JS))
        if width > WIDTH:
            wide.append((path, width, page.evaluate(CULPRITS_JS)))
        for href in page.evaluate(LINKS_JS):
            url = urldefrag(href)[0]
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = _page_kind(parts.path)
            if kind is None or kind in seen_kinds:
                continue
            seen_kinds.add(kind)
            queue.append(target)
    return wide


def test_no_page_of_any_role_scrolls_sideways_at_320_px(
    page: Page, browser: Browser, live_server: object, demo_data_dir: Path
) -> None:
    call_command("load_demo", data_dir=demo_data_dir, verbosity=0)
    origin = str(live_server.url)  # type: ignore[attr-defined]
    page.goto("/accounts/login/", timeout=120_000)  # the server's first answer loads every view
    problems: list[str] = []
    # People with the same roles see the same kinds of page, laid out by the same templates (two
    # headteachers, or the coordinators of an alliance, a hub and a local authority): the second
    # opens only the kinds the first did not reach (a local authority's own pages, say).
    seen_by_roles: dict[tuple[str, ...], set[str]] = {}
    for email in FEATURED_EMAILS:
        roles = tuple(
            sorted(
                set(RoleAssignment.objects.filter(user__email=email).values_list("role", flat=True))
            )
        )
        seen_kinds = seen_by_roles.setdefault(roles, set())
        context = browser.new_context(
            base_url=origin, locale="en-GB", viewport={"width": WIDTH, "height": 800}
        )
        tab = context.new_page()
        browser_signed_in(tab, email, home=False)  # the crawl starts at the home page
        problems += [
            f"{email}: {path} is {width} px wide ({', '.join(culprits)})"
            for path, width, culprits in _crawl(tab, origin, seen_kinds)
        ]
        context.close()
    assert not problems, f"Pages wider than {WIDTH} px:\n" + "\n".join(problems)
