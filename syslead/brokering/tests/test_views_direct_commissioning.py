"""Direct commissioning through the pages (docs/rules.md, "Direct commissioning"): "Ask this leader
directly" from a published profile, naming a leader by e-mail, and the broker recording it on the
request page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import DirectCommission, RequestStatus, SupportRequest
from syslead.brokering.tests import factories
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _answers(school: School, **extra: Any) -> dict[str, Any]:
    return {
        "for_school": school.urn,
        "needs": ["maths"],
        "summary": "Coaching for our new maths lead.",
        "days_requested": "5",
        "academic_year": AcademicYear.current().label,
        "chair_of_governors_agreed": "on",
        **extra,
    }


@pytest.fixture
def published(lee: LeaderProfile) -> LeaderProfile:
    LeaderProfile.objects.filter(pk=lee.pk).update(publish_profile=True, publish_name=True)
    lee.refresh_from_db()
    return lee


def test_a_headteacher_asks_a_published_leader_directly(
    login: Login,
    client_head: User,
    client_school: School,
    published: LeaderProfile,
    alliance: Organisation,
) -> None:
    """Rule: from a leader's published profile the headteacher writes what they need (the request
    form's fields), checks it, and sends it: a school-route request naming the leader, held by
    the leader's broker (no broker to choose)."""
    client = login(client_head)
    url = reverse("brokering:direct_commission_new", args=[published.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ask Lee Leader directly" in page.text
    assert "organisation" not in page.context["form"].fields
    assert f"{alliance.name} is their broker" in page.text
    check = client.post(url, _answers(client_school, step="check"))
    assert check.status_code == 200
    assert ("Leader you are asking", "Lee Leader") in check.context["answers"]
    assert ("Their broker", alliance.name) in check.context["answers"]
    sent = client.post(url, _answers(client_school, step="confirm"))
    request = SupportRequest.objects.get()
    assert sent["Location"] == reverse("brokering:detail", args=[request.pk])
    assert request.status == RequestStatus.APPROACHING
    assert request.organisation == alliance
    detail = client.get(sent["Location"])
    assert "Leader named by the school" in detail.text
    assert "You asked Lee Leader directly: waiting for their answer" in detail.text
    assert reverse("brokering:choose", args=[request.pk]) not in detail.text
    assert "Record the direct commission" not in detail.text  # the broker's, not the head's


def test_an_empty_form_shows_the_errors_and_writes_nothing(
    login: Login, client_head: User, client_school: School, published: LeaderProfile
) -> None:
    url = reverse("brokering:direct_commission_new", args=[published.pk])
    page = login(client_head).post(url, {"for_school": client_school.urn, "step": "check"})
    assert page.status_code == 200
    assert "Select at least one area of support." in page.text
    assert not SupportRequest.objects.exists()


def test_a_leader_not_published_by_name_is_404(
    login: Login, client_head: User, lee: LeaderProfile
) -> None:
    """Rule: a headteacher names only a leader published by name in a directory (or one they
    see); any other is unknown to them."""
    url = reverse("brokering:direct_commission_new", args=[lee.pk])
    assert login(client_head).get(url).status_code == 404


def test_the_broker_records_it_from_the_request_page(
    login: Login,
    client_head: User,
    client_school: School,
    published: LeaderProfile,
    coordinator: User,
) -> None:
    """Rule: the leader's broker is told, the request is in its list, and it records the direct
    commission; the case continues under it."""
    login(client_head).post(
        reverse("brokering:direct_commission_new", args=[published.pk]),
        _answers(client_school, step="confirm"),
    )
    request = SupportRequest.objects.get()
    client = login(coordinator)
    listed = client.get(reverse("brokering:list"))
    assert request in listed.context["page"].object_list
    assert "Leader named by the school" in listed.text
    detail = client.get(reverse("brokering:detail", args=[request.pk]))
    assert "Record the direct commission" in detail.text
    done = client.post(reverse("brokering:direct_commission_record", args=[request.pk]))
    assert done.status_code == 302
    assert DirectCommission.objects.get().recorded_by == coordinator
    after = client.get(done["Location"])
    assert "The direct commission is recorded" in after.text
    assert "Record the direct commission" not in after.text


def test_a_leader_with_no_broker_asks_the_head_to_choose_one(
    login: Login,
    client_head: User,
    client_school: School,
    far_school: School,
    alliance: Organisation,
) -> None:
    """Rule: association is optional; for a leader with no broker the head chooses the broker
    that keeps the paperwork (the directory they came from is chosen already)."""
    loner = factories.leader(far_school, name="Lone Leader")
    LeaderProfile.objects.filter(pk=loner.pk).update(publish_profile=True, publish_name=True)
    url = reverse("brokering:direct_commission_new", args=[loner.pk])
    client = login(client_head)
    page = client.get(f"{url}?organisation={alliance.pk}")
    assert page.context["form"]["organisation"].value() == str(alliance.pk)
    assert "no broker fee is charged" in page.text
    client.post(url, _answers(client_school, step="confirm", organisation=alliance.pk))
    commission = DirectCommission.objects.get()
    assert commission.leader == loner
    assert commission.leader_broker is None
    assert commission.support_request.organisation == alliance


def test_a_headteacher_names_a_leader_by_email_and_the_broker_invites_them(
    login: Login,
    client_head: User,
    client_school: School,
    far_school: School,
    alliance: Organisation,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Rule: a leader not on Syslead is named by name and e-mail; the broker records it, which
    invites them."""
    url = reverse("brokering:direct_commission_by_email")
    client = login(client_head)
    assert client.get(url).status_code == 200
    answers = _answers(
        client_school,
        organisation=alliance.pk,
        invited_name="Nadia New",
        invited_email="nadia@far.test",
        invited_job_title="Maths lead",
        invited_school=str(far_school.urn),
    )
    check = client.post(url, {**answers, "step": "check"})
    assert ("Their school", f"{far_school.name} (URN {far_school.urn})") in check.context["answers"]
    client.post(url, {**answers, "step": "confirm"})
    request = SupportRequest.objects.get()
    assert request.status == RequestStatus.OPEN
    coordinating = login(coordinator)
    detail = coordinating.get(reverse("brokering:detail", args=[request.pk]))
    assert "Record it and invite Nadia New" in detail.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinating.post(reverse("brokering:direct_commission_record", args=[request.pk]))
    assert DirectCommission.objects.get().invitation is not None
    assert [m.to for m in mail.outbox if "invited" in m.subject.lower()] == [["nadia@far.test"]]


def test_the_public_directory_offers_to_ask_each_leader_directly(
    published: LeaderProfile, alliance: Organisation
) -> None:
    page = Client().get(reverse("organisations:directory", args=[alliance.slug]))
    ask = reverse("brokering:direct_commission_new", args=[published.pk])
    assert f'href="{ask}?organisation={alliance.pk}"' in page.text
    assert "Ask Lee Leader directly" in page.text
