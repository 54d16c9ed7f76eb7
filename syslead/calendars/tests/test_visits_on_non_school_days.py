"""A note of visit dated on a day that is not a school day asks for confirmation on the web; the
API takes it as given (the contract's POST /deployments/{id}/visits is unchanged). Termly
feedback follows the supported school's real terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.calendars.tests.conftest import term_dates
from syslead.core.dates import date_input_data
from syslead.deployments.models import Deployment
from syslead.evaluation.services import schedule_feedback
from syslead.visits.models import Visit

Login = Callable[[User], Client]


def _note(**overrides: str) -> dict[str, str]:
    data = {
        **date_input_data("date", "2025-10-06"),
        "session": "full_day",
        "hours": "6",
        "focus": "Maths book scrutiny",
        "progress": "",
        "issues": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
        "actions-0-owner": "",
        "actions-0-action": "",
        "actions-0-due_on": "",
    }
    if "date" in overrides:
        overrides = {**overrides, **date_input_data("date", overrides.pop("date"))}
    data.update(overrides)
    return data


def test_a_school_day_is_recorded_without_a_question(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    response = login(leader_user).post(f"/deployments/{deployment.pk}/visits/new/", _note())
    assert response.status_code == 302
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2025-10-11", "a Saturday"),
        ("2025-10-28", "in the autumn half-term"),
        ("2025-12-26", "a bank holiday (Boxing Day)"),
        ("2025-12-30", "in the school holidays"),
    ],
)
def test_a_non_school_day_shows_a_warning_and_records_nothing(
    login: Login, leader_user: User, deployment: Deployment, day: str, reason: str
) -> None:
    response = login(leader_user).post(f"/deployments/{deployment.pk}/visits/new/", _note(date=day))
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a school day" in html
    assert reason in html
    assert 'name="confirm_non_school_day"' in html
    assert "Yes, record it on that day" in html
    assert not Visit.objects.exists()


def test_ticking_yes_records_it_on_that_day(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    response = login(leader_user).post(
        f"/deployments/{deployment.pk}/visits/new/",
        _note(date="2025-10-11", confirm_non_school_day="on"),
    )
    assert response.status_code == 302
    assert Visit.objects.get().date == dt.date(2025, 10, 11)


def test_the_school_local_authoritys_half_term_is_what_counts(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    # Lincolnshire's half-term is a week earlier than the default one.
    term_dates(
        "Lincolnshire",
        "2025-26",
        autumn_half_term_starts_on=dt.date(2025, 10, 20),
        autumn_half_term_ends_on=dt.date(2025, 10, 24),
    )
    client = login(leader_user)
    url = f"/deployments/{deployment.pk}/visits/new/"
    assert client.post(url, _note(date="2025-10-28")).status_code == 302
    asked = client.post(url, _note(date="2025-10-21"))
    assert "in the autumn half-term" in asked.content.decode()


def test_editing_a_note_already_on_that_day_does_not_ask_again(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    client = login(leader_user)
    client.post(
        f"/deployments/{deployment.pk}/visits/new/",
        _note(date="2025-10-11", confirm_non_school_day="on"),
    )
    visit = Visit.objects.get()
    response = client.post(f"/visits/{visit.pk}/edit/", _note(date="2025-10-11", focus="Again"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.focus == "Again"


def test_the_api_accepts_a_non_school_day(
    api: Callable[[User | None], Any], leader_user: User, deployment: Deployment
) -> None:
    body = {
        "date": "2025-10-11",
        "session": "full_day",
        "hours": 6,
        "focus": "Saturday school",
        "progress": "",
        "actions": [],
        "issues": "",
    }
    response = api(leader_user).post(f"/deployments/{deployment.pk}/visits", body)
    assert response.status_code == 201
    assert Visit.objects.get().date == dt.date(2025, 10, 11)


def test_termly_feedback_is_due_at_the_end_of_the_schools_real_terms(
    deployment: Deployment,
) -> None:
    term_dates(
        "Lincolnshire",
        "2025-26",
        autumn_ends_on=dt.date(2025, 12, 17),
        spring_ends_on=dt.date(2026, 3, 26),
    )
    schedule = schedule_feedback(deployment)
    assert [(f.term, f.due_on) for f in schedule] == [
        ("autumn", dt.date(2025, 12, 17)),
        ("spring", dt.date(2026, 3, 26)),
    ]
    assert schedule[1].opens_on == dt.date(2026, 1, 5)


def test_no_feedback_is_asked_for_a_term_the_agreement_only_touches_in_the_holidays(
    deployment: Deployment,
) -> None:
    # Ending in the Easter holidays (after spring's last day, 27 March 2026): no summer term.
    Deployment.objects.filter(pk=deployment.pk).update(ends_on=dt.date(2026, 4, 8))
    deployment.refresh_from_db()
    assert [f.term for f in schedule_feedback(deployment)] == ["autumn", "spring"]
