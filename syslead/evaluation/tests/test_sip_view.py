"""The termly review has the SIP's viewpoint (docs/rules.md, "The school's named SIP"): the
school's named SIP rates each objective red, amber or green as "School improvement partner",
shown with the other viewpoints; they agree no revised measures; they are reminded, and see on
their home page, while their view of a term is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment
from syslead.evaluation.models import ObjectiveRating, Viewpoint
from syslead.evaluation.selectors import review_grid
from syslead.evaluation.services import (
    progress_review_agree_measures,
    progress_review_rate,
    schedule_feedback,
)
from syslead.notifications.models import Notification
from syslead.notifications.reminders import send_reminders
from syslead.organisations.models import Organisation
from syslead.schools.models import NamedSip, School

AUTUMN = Term(AcademicYear(2025), "autumn")
SIP_VIEWS = ["syslead.evaluation.reminders.sip_views_due"]


@pytest.fixture
def named(sip: User, alliance: Organisation, client_school: School) -> User:
    """Sid (the alliance's SIP) is Ermine Primary's named SIP."""
    NamedSip.objects.create(
        school=client_school,
        organisation=alliance,
        sip=sip,
        starts_on=dt.date(2025, 9, 1),
    )
    return sip


def test_the_named_sip_rates_from_the_sips_viewpoint_shown_with_the_others(
    named: User, client_head: User, deployment: Deployment
) -> None:
    """Rule: the termly review has the SIP's viewpoint, shown with the others' views."""
    first, second = deployment.objectives.all()
    progress_review_rate(
        actor=client_head, deployment=deployment, term=AUTUMN, ratings={first.pk: "green"}
    )
    progress_review_rate(
        actor=named,
        deployment=deployment,
        term=AUTUMN,
        ratings={first.pk: "red", second.pk: "amber"},
        comments={first.pk: "Little change seen in books."},
    )
    rating = ObjectiveRating.objects.get(objective=first, viewpoint=Viewpoint.SIP)
    assert rating.rating == "red"
    assert rating.rated_by == named
    cell = review_grid(deployment).rows[0].cells[0]
    assert dict(cell.by_viewpoint())["School improvement partner"] == rating
    assert cell.disagreement.flagged  # green from the head, red from the SIP


def test_the_named_sip_agrees_no_revised_measures(named: User, deployment: Deployment) -> None:
    with pytest.raises(NotAllowed):
        progress_review_agree_measures(
            actor=named, deployment=deployment, term=AUTUMN, revised_measures="New measures."
        )


def test_a_sip_who_is_not_the_schools_named_sip_gives_no_view(
    sip: User, alliance: Organisation, deployment: Deployment
) -> None:
    """Rule: the view is the named SIP's; another SIP of the authority gives none (and on the
    school route does not even see the agreement)."""
    other = make_user("otis@kyra.test", "Otis Partner", (Role.SIP, alliance))
    first = deployment.objectives.first()
    assert first is not None
    for someone in (sip, other):
        with pytest.raises(NotAllowed):
            progress_review_rate(
                actor=someone, deployment=deployment, term=AUTUMN, ratings={first.pk: "red"}
            )


def test_the_progress_page_offers_the_sip_their_ratings_not_the_measures(
    client: Client, named: User, deployment: Deployment
) -> None:
    client.force_login(named)
    url = f"/deployments/{deployment.pk}/progress/?term=2025-26-autumn"
    page = client.get(url).content.decode()
    assert "Save ratings" in page
    assert "Record the revised measures" not in page
    first = deployment.objectives.first()
    assert first is not None
    refused = client.post(url, {"do": "rate", "term": "2025-26-autumn", "viewpoint": "sip"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    saved = client.post(
        url,
        {
            "do": "rate",
            "term": "2025-26-autumn",
            "viewpoint": "sip",
            f"rating_{first.pk}": "amber",
        },
    )
    assert saved.status_code == 302
    assert ObjectiveRating.objects.get(viewpoint=Viewpoint.SIP).rating == "amber"


def test_the_named_sip_is_reminded_until_their_view_is_given(
    named: User, deployment: Deployment
) -> None:
    """Rule: a reminder for the SIP while their view of the term is missing (the termly
    feedback's window: from two weeks before the term ends)."""
    schedule_feedback(deployment)
    # The autumn term ends on Friday 19 December 2025 (the default term dates).
    assert send_reminders(dt.date(2025, 12, 4), SIP_VIEWS) == 0
    assert send_reminders(dt.date(2025, 12, 5), SIP_VIEWS) == 1
    note = Notification.objects.get(verb="reminder.sip_view_due")
    assert note.user == named
    assert "?term=2025-26-autumn" in note.url
    first = deployment.objectives.first()
    assert first is not None
    progress_review_rate(
        actor=named, deployment=deployment, term=AUTUMN, ratings={first.pk: "green"}
    )
    assert send_reminders(dt.date(2025, 12, 12), SIP_VIEWS) == 0


def test_a_school_without_a_named_sip_reminds_nobody(sip: User, deployment: Deployment) -> None:
    schedule_feedback(deployment)
    assert send_reminders(dt.date(2025, 12, 5), SIP_VIEWS) == 0


def test_the_sips_home_page_asks_for_their_view(
    client: Client,
    named: User,
    deployment: Deployment,
    django_assert_max_num_queries: Any,
) -> None:
    """The agreement's terms (2025-26) have all ended: the SIP's views of them are due."""
    schedule_feedback(deployment)
    client.force_login(named)
    with django_assert_max_num_queries(40):
        page = client.get("/").content.decode()
    assert "Give your view on progress at Ermine Primary Academy for the" in page
