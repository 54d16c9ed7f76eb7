"""axe-core runs once per markup in a run (``conftest.axe_check``): pages that differ only in
their records' ids and words share a markup; any other difference makes a new one, so axe-core
runs on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from conftest import _MARKUP_HASH_JS

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head>
<body hx-headers='{{"X-CSRFToken": "{token}"}}'>
<main><h1>{heading}</h1>
<form action="/requests/{pk}/" method="post">
<input type="hidden" name="csrfmiddlewaretoken" value="{token}">
<a href="/deployments/{pk}/">{link}</a>{extra}
<button type="submit">Save</button></form></main>
<script nonce="{nonce}"></script></body></html>"""

SAME = {"title": "A", "heading": "Hello", "pk": 1, "token": "t1", "link": "Open", "extra": ""}


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _markup(tab: Page, **changes: object) -> str:
    fields = {**SAME, "nonce": "n1", **changes}
    tab.set_content(PAGE.format(**fields))
    return str(tab.evaluate(_MARKUP_HASH_JS))


def test_pages_differing_only_in_ids_words_tokens_and_nonces_share_a_markup(tab: Page) -> None:
    first = _markup(tab)
    assert _markup(tab, pk=4711, heading="Good morning", title="B", link="See it") == first
    assert _markup(tab, token="another-token", nonce="another-nonce") == first


def test_any_other_difference_makes_a_new_markup_so_axe_runs_again(tab: Page) -> None:
    first = _markup(tab)
    assert _markup(tab, link="") != first  # a link without words: axe must look
    assert _markup(tab, extra='<img src="/x.png">') != first  # an image without alt text
    assert _markup(tab, extra='<p class="govuk-body-s">More</p>') != first
    tab.set_viewport_size({"width": 320, "height": 800})
    assert _markup(tab) != first  # the width changes the layout (target sizes)
