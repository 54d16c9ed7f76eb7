"""GET filters are Django forms rendered by the project's renderer (docs/ux.md, "Filters"), and
no template hand-writes a field (issue 12, item 1: "so no template hand-writes a field")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.filters import OrganisationFilterForm, TermFilterForm
from syslead.organisations.services import organisation_create

Login = Callable[[User], Client]
ROOT = Path(__file__).resolve().parents[2]  # syslead/

#: The only templates that may write an input themselves, and why.
ALLOWED_TEMPLATES = {
    # The renderer's own field template draws each radio and checkbox of a group.
    "templates/django/forms/field.html": "the form renderer itself",
    # Django's own select widget template, overridden to write its options faster.
    "templates/django/forms/widgets/select.html": "Django's select widget itself",
}
#: ``<input type="...">`` kinds that are not fields a person fills in.
NOT_FIELDS = {"hidden"}
FIELD_TAG = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE | re.DOTALL)
TYPE = re.compile(r"""\btype\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


@dataclass
class Place:
    pk: int
    name: str


PLACES = [Place(1, "Fenland Alliance"), Place(2, "Marsh Alliance")]


def _hand_written_fields(text: str) -> list[str]:
    found = []
    for match in FIELD_TAG.finditer(text):
        tag, attrs = match.group(1).lower(), match.group(2)
        kind = TYPE.search(attrs)
        if tag == "input" and kind and kind.group(1).lower() in NOT_FIELDS:
            continue
        found.append(match.group(0))
    return found


def test_no_template_hand_writes_a_field() -> None:
    """Rule (docs/ux.md, "Forms"): every select, textarea and input a person fills in is drawn by
    Django's form rendering; a template writes only hidden inputs (and its buttons)."""
    offenders = []
    templates = sorted(ROOT.rglob("templates/**/*.html"))
    assert len(templates) > 100  # the scan finds the templates
    for path in templates:
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.endswith(allowed) for allowed in ALLOWED_TEMPLATES):
            continue
        offenders += [f"{relative}: {tag}" for tag in _hand_written_fields(path.read_text())]
    assert not offenders, "Hand-written fields:\n" + "\n".join(offenders)


def test_the_scan_finds_a_hand_written_field() -> None:
    """The control for the test above: what it looks for is found, hidden inputs are not."""
    text = (
        '<input type="hidden" name="term" value="x"><select class="govuk-select" name="a">'
        '</select>\n<input\n  class="govuk-input" name="b"><textarea name="c"></textarea>'
        "<input type='HIDDEN' name='d'>"
    )
    assert [tag.split()[0] for tag in _hand_written_fields(text)] == [
        "<select",
        "<input",
        "<textarea",
    ]


def test_a_filter_shows_the_value_asked_for() -> None:
    form = OrganisationFilterForm(QueryDict("organisation=2"), organisations=PLACES)
    assert form.organisation_chosen() == PLACES[1]
    assert not form.errors
    assert '<option value="2" selected>' in form["organisation"].as_field_group()


def test_a_filter_with_nothing_asked_shows_its_default_without_an_error() -> None:
    for query in ("", "organisation=", "page=2"):
        form = OrganisationFilterForm(QueryDict(query), organisations=PLACES)
        assert form.organisation_chosen() == PLACES[0]
        assert not form.errors


def test_a_wrong_filter_value_is_ignored_with_a_message() -> None:
    """Rule (docs/ux.md, "Filters"): a value that is not one of the choices is ignored — the page
    shows the default — and the field says so; the select shows what the page shows."""
    for wrong in ("x", "99", "9223372036854775808", "-1", "\x00"):
        query = QueryDict(mutable=True)
        query["organisation"] = wrong
        form = OrganisationFilterForm(query, organisations=PLACES)
        assert form.organisation_chosen() == PLACES[0]
        html = form["organisation"].as_field_group()
        assert "govuk-form-group--error" in html
        assert "The organisation asked for is not one you can choose" in html
        assert '<option value="1" selected>' in html


def test_a_term_filter_chooses_among_the_agreements_terms() -> None:
    year = AcademicYear(2025)
    terms = [Term(year, "autumn"), Term(year, "spring"), Term(year, "summer")]
    spring = TermFilterForm(QueryDict("term=2025-26-spring"), terms=terms, default=terms[0])
    assert spring.term_chosen() == terms[1]
    wrong = TermFilterForm(QueryDict("term=2030-31-autumn"), terms=terms, default=terms[2])
    assert wrong.term_chosen() == terms[2]
    assert wrong.errors["term"] == [
        "The term asked for is not one you can choose: the page shows the one selected here instead"
    ]


def test_the_activity_page_ignores_an_organisation_not_among_the_persons(
    login: Login, db: None
) -> None:
    """Rule: a coordinator of two organisations asking for a third (or for nonsense) sees their
    first, told that the one asked for cannot be chosen (docs/ux.md, "Filters")."""
    kind = "teaching_school_alliance"
    first = organisation_create(actor=None, name="Fenland Alliance", kind=kind)
    second = organisation_create(actor=None, name="Marsh Alliance", kind=kind)
    secret = organisation_create(actor=None, name="Secret Alliance", kind=kind)
    user = make_user(
        "two@fen.test", "Two Hats", (Role.COORDINATOR, first), (Role.COORDINATOR, second)
    )
    client = login(user)
    url = reverse("core:activity")
    chosen = client.get(url, {"organisation": second.pk})
    assert chosen.context["organisation"] == second
    assert "not one you can choose" not in chosen.content.decode()
    for wrong in (secret.pk, "x"):
        response = client.get(url, {"organisation": wrong})
        assert response.status_code == 200
        assert response.context["organisation"] == first
        page = response.content.decode()
        assert "The organisation asked for is not one you can choose" in page
        assert "Secret Alliance" not in page
