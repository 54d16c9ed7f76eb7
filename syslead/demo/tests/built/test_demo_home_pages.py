"""Every demo role's home page leads with work (docs/ux.md, "Home page by role"): its first section
is "Needs attention" (or says plainly that nothing does), every item there opens a page, and no two
links that go to different places read the same. Also what the demo itself must get right: visits
and action points on school days, specialisms written with their capitals."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.calendars.school_calendar import calendar_for
from syslead.demo.people import FEATURED_EMAILS
from syslead.leaders.models import LeaderProfile
from syslead.visits.models import ActionPoint, Visit

pytestmark = pytest.mark.django_db


class _Main(HTMLParser):
    """The links (target, text) and the h2 headings inside the page's ``<main>``, and the text
    of the first section."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.headings: list[str] = []
        self.sections: list[str] = []
        self._in_main = False
        self._link: list[str] | None = None
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._in_main = True
        if not self._in_main:
            return
        if tag == "a":
            self._link = [dict(attrs).get("href") or "", ""]
        elif tag == "h2":
            self._in_heading = True
            self.headings.append("")
        elif tag == "section":
            self.sections.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "h2":
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if not self._in_main:
            return
        if self._link is not None:
            self._link[1] += data
        if self._in_heading:
            self.headings[-1] += data
        if self.sections:
            self.sections[-1] += data


def _home(client: Client, email: str) -> _Main:
    client.force_login(User.objects.get(email=email))
    response = client.get("/")
    assert response.status_code == 200
    parsed = _Main()
    parsed.feed(response.content.decode())
    return parsed


@pytest.mark.parametrize("email", FEATURED_EMAILS)
def test_home_page_first_section_is_needs_attention(
    built_demo: str, client: Client, email: str
) -> None:
    page = _home(client, email)
    assert page.headings, email
    assert page.headings[0].strip() == "Needs attention", (email, page.headings)
    first = " ".join(page.sections[0].split())
    assert first.startswith("Needs attention")
    items = first.removeprefix("Needs attention").strip()
    assert items, email  # a list of items, or the plain sentence that nothing waits
    client.force_login(User.objects.get(email=email))
    for item in client.get("/").context["attention"]:
        # Every item opens a page the person may use (where the action is offered).
        assert client.get(item.url).status_code == 200, (email, item.text, item.url)


@pytest.mark.parametrize("email", FEATURED_EMAILS)
def test_home_page_links_with_different_targets_have_different_text(
    built_demo: str, client: Client, email: str
) -> None:
    targets: dict[str, set[str]] = defaultdict(set)
    for href, text in _home(client, email).links:
        targets[text].add(href.split("#")[0])
    shared = {text: hrefs for text, hrefs in targets.items() if len(hrefs) > 1}
    assert shared == {}, email


def test_home_page_fits_a_few_screens_for_the_coordinator(built_demo: str, client: Client) -> None:
    """The capacity chart and the activity feed have their own pages: no bar per leader and no
    timeline on the coordinator's home page."""
    client.force_login(User.objects.get(email="alice.hart@kyra.example"))
    page = client.get("/").content.decode()
    assert 'class="timeline"' not in page
    assert 'class="capacity"' not in page
    assert "/leaders/capacity/" in page
    assert "/activity/?organisation=" in page


def test_demo_schedules_no_visit_or_action_point_outside_school_days(built_demo: str) -> None:
    calendar = calendar_for()
    for day in Visit.objects.values_list("date", flat=True):
        assert calendar.why_not_a_school_day(day) is None, day
    for due_on in ActionPoint.objects.values_list("due_on", flat=True):
        assert calendar.why_not_a_school_day(due_on) is None, due_on


def test_demo_texts_write_english_and_send_with_capitals(built_demo: str) -> None:
    lower_case = re.compile(r"\b(english|send)\b")
    for portrait in LeaderProfile.objects.values_list("pen_portrait", flat=True):
        assert not lower_case.search(portrait), portrait
