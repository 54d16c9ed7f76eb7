"""No agreement waits on someone without an account without saying so: the signatures panel and
the coordinator's home say when no one can sign for a party; the coordinator invites the person
(and resends the invitation), or records the signature given on paper with a scan, which counts
as that party's signature (the fourth activates the agreement, capacity rule included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from syslead.accounts.models import Role, User
from syslead.brokering.models import SupportRequest
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.deployments import scans
from syslead.deployments.models import Deployment, DeploymentStatus, Party, Signature
from syslead.deployments.selectors import parties_without_signer, party_signers
from syslead.deployments.services import (
    deployment_create,
    deployment_sign,
    deployment_sign_on_paper,
    deployment_update,
)
from syslead.deployments.tests.factories import agreement_kwargs, refresh
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.invitations.services import invitation_accept
from syslead.leaders.models import LeaderProfile

Login = Callable[[User], Client]
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def bare(coordinator: User, support_request: SupportRequest, leader: LeaderProfile) -> Deployment:
    """An agreement drafted when only the leader (and the coordinator) have accounts: no
    headteacher of either school, no broker lead."""
    return deployment_create(
        actor=coordinator, support_request=support_request, leader=leader, **agreement_kwargs()
    )


def scan(content: bytes = PDF, name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def paper(actor: User, deployment: Deployment, party: Party, **extra: Any) -> Deployment:
    fields: dict[str, Any] = {
        "signer_name": "Pat Governor",
        "signed_on": dt.date(2026, 9, 1),
        "reason": "No account yet; signed at the governors' meeting",
        "scan": scan(),
    }
    fields.update(extra)
    return deployment_sign_on_paper(actor=actor, deployment=deployment, party=party, **fields)


def paper_form(party: Party, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "party": str(party),
        "signer_name": "Pat Governor",
        "signed_on_day": "1",
        "signed_on_month": "9",
        "signed_on_year": "2026",
        "reason": "Signed at the governors' meeting",
        "scan": scan(),
    }
    data.update(extra)
    return data


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# The panel ---------------------------------------------------------------------------------------


def test_parties_no_one_with_an_account_holds_are_named(bare: Deployment) -> None:
    missing = [row.party for row in parties_without_signer(bare)]
    assert missing == [Party.HOME_HEADTEACHER, Party.CLIENT_HEADTEACHER, Party.BROKER_LEAD]
    assert [row.party for row in party_signers(bare) if row.can_sign] == [Party.LEADER]


def test_a_party_with_an_account_is_not_flagged(
    bare: Deployment, home_head: User, client_head: User, broker_lead: User
) -> None:
    assert parties_without_signer(bare) == []


def test_the_page_says_no_one_can_sign_and_what_to_do(
    login: Login, coordinator: User, bare: Deployment, client_head: User, broker_lead: User
) -> None:
    page = login(coordinator).get(f"/deployments/{bare.pk}/").content.decode()
    assert "No one can sign for the headteacher of Mount Street Academy yet" in page
    assert "No one can sign for the headteacher of Ermine Primary Academy yet" not in page
    assert f"/deployments/{bare.pk}/invite-signer/?party=home_headteacher" in page
    assert f"/deployments/{bare.pk}/sign-on-paper/?party=home_headteacher" in page


def test_a_party_sees_the_gap_without_the_coordinators_actions(
    login: Login, leader_user: User, bare: Deployment
) -> None:
    page = login(leader_user).get(f"/deployments/{bare.pk}/").content.decode()
    assert "No one can sign for the broker lead of" in page
    assert "invite-signer" not in page
    assert "sign-on-paper" not in page


def test_the_coordinators_home_says_no_one_can_sign(
    login: Login, coordinator: User, bare: Deployment, home_head: User, client_head: User
) -> None:
    page = login(coordinator).get("/").content.decode()
    assert "No one can sign for the broker lead of" in page
    assert "invite them, or record a signature given on paper" in page
    assert "No one with an account can sign yet for: The broker lead of" in page


# Inviting from the agreement ---------------------------------------------------------------------


def test_the_coordinator_invites_the_missing_headteacher_from_the_agreement(
    login: Login, coordinator: User, bare: Deployment
) -> None:
    client = login(coordinator)
    url = f"/deployments/{bare.pk}/invite-signer/?party=home_headteacher"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"party": "home_headteacher", "name": "Hal Home-Head", "email": "Hal@Mount.test"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.school_id) == (
        "hal@mount.test",
        Role.HEADTEACHER,
        bare.home_school_id,
    )
    assert invitation.status == InvitationStatus.PENDING
    page = client.get(f"/deployments/{bare.pk}/").content.decode()
    assert "Invited hal@mount.test (Hal Home-Head), not yet joined" in page
    assert f"/deployments/{bare.pk}/invitations/{invitation.pk}/resend/" in page


def test_the_broker_lead_is_invited_to_the_agreements_organisation(
    login: Login, coordinator: User, bare: Deployment
) -> None:
    login(coordinator).post(
        f"/deployments/{bare.pk}/invite-signer/",
        {"party": "broker_lead", "name": "Bea Lead", "email": "bea@kyra.test"},
    )
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.organisation_id) == (Role.BROKER_LEAD, bare.organisation_id)


def test_an_invalid_email_is_refused_and_nothing_is_sent(
    login: Login, coordinator: User, bare: Deployment
) -> None:
    response = login(coordinator).post(
        f"/deployments/{bare.pk}/invite-signer/",
        {"party": "home_headteacher", "name": "Hal", "email": "not-an-address"},
    )
    assert response.status_code == 200
    assert "Enter an e-mail address in the correct format" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_party_someone_can_sign_for_is_not_invited(
    login: Login, coordinator: User, bare: Deployment, home_head: User
) -> None:
    response = login(coordinator).post(
        f"/deployments/{bare.pk}/invite-signer/",
        {"party": "home_headteacher", "name": "Hal", "email": "other@mount.test"},
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()


def test_resend_makes_a_new_link(login: Login, coordinator: User, bare: Deployment) -> None:
    client = login(coordinator)
    client.post(
        f"/deployments/{bare.pk}/invite-signer/",
        {"party": "client_headteacher", "name": "Cara", "email": "cara@ermine.test"},
    )
    invitation = Invitation.objects.get()
    old_hash = invitation.token_hash
    response = client.post(f"/deployments/{bare.pk}/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert invitation.token_hash != old_hash


def test_resend_of_an_invitation_unrelated_to_the_agreement_is_404(
    login: Login, coordinator: User, bare: Deployment, far_school: Any
) -> None:
    from syslead.invitations.services import invitation_send

    outcome = invitation_send(
        actor=coordinator,
        email="x@far.test",
        name="X",
        role=Role.HEADTEACHER,
        school_urn=far_school.urn,
    )
    url = f"/deployments/{bare.pk}/invitations/{outcome.invitation.pk}/resend/"
    assert login(coordinator).post(url).status_code == 404


def test_once_the_invited_headteacher_joins_they_sign(
    login: Login,
    coordinator: User,
    bare: Deployment,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("syslead.invitations.services.secrets.token_urlsafe", lambda n: "raw-1")
    login(coordinator).post(
        f"/deployments/{bare.pk}/invite-signer/",
        {"party": "home_headteacher", "name": "Hal Home-Head", "email": "hal@mount.test"},
    )
    hal = invitation_accept(raw_token="raw-1", password="a long new password 42")
    assert parties_without_signer(bare)[0].party == Party.CLIENT_HEADTEACHER
    deployment_sign(actor=bare.leader.user, deployment=bare)
    deployment_sign(actor=hal, deployment=bare)
    assert set(bare.signatures.values_list("party", flat=True)) == {
        Party.LEADER,
        Party.HOME_HEADTEACHER,
    }


def test_others_may_not_invite_or_resend(
    login: Login, leader_user: User, other_coordinator: User, bare: Deployment
) -> None:
    url = f"/deployments/{bare.pk}/invite-signer/?party=home_headteacher"
    assert login(leader_user).get(url).status_code == 403
    assert login(other_coordinator).get(url).status_code == 404
    assert not Invitation.objects.exists()


# Signatures on paper -----------------------------------------------------------------------------


def test_a_paper_signature_counts_and_is_on_the_timeline(
    coordinator: User, bare: Deployment
) -> None:
    paper(coordinator, bare, Party.BROKER_LEAD)
    signature = Signature.objects.get(deployment=bare)
    assert signature.on_paper
    assert signature.party == Party.BROKER_LEAD
    assert signature.paper_signer == "Pat Governor"
    assert signature.paper_signed_on == dt.date(2026, 9, 1)
    assert signature.scan_type == "application/pdf"
    assert signature.scan.read() == PDF
    event = Event.objects.filter(verb="deployment.signed").get()
    assert event.summary.startswith("Signed on paper by Pat Governor as Broker lead for")
    assert event.data["on_paper"] is True


def test_the_fourth_signature_on_paper_activates_the_agreement(
    coordinator: User, bare: Deployment
) -> None:
    deployment_sign(actor=bare.leader.user, deployment=bare)
    for party in (Party.HOME_HEADTEACHER, Party.CLIENT_HEADTEACHER):
        paper(coordinator, bare, party)
    assert refresh(bare).status == DeploymentStatus.AWAITING_SIGNATURES
    paper(coordinator, bare, Party.BROKER_LEAD)
    assert refresh(bare).status == DeploymentStatus.ACTIVE


def test_the_capacity_rule_applies_to_a_paper_signature_and_nothing_is_kept(
    coordinator: User, bare: Deployment, leader: LeaderProfile, media_root: Path
) -> None:
    deployment_sign(actor=bare.leader.user, deployment=bare)
    for party in (Party.HOME_HEADTEACHER, Party.CLIENT_HEADTEACHER):
        paper(coordinator, bare, party)
    leader.releases.update(days=2)
    before = len(stored_files(media_root))
    with pytest.raises(RuleViolation) as refused:
        paper(coordinator, bare, Party.BROKER_LEAD)
    assert refused.value.rule == "capacity"
    assert len(stored_files(media_root)) == before


def test_a_party_that_has_signed_cannot_be_recorded_again(
    coordinator: User, bare: Deployment
) -> None:
    paper(coordinator, bare, Party.BROKER_LEAD)
    with pytest.raises(RuleViolation) as refused:
        paper(coordinator, bare, Party.BROKER_LEAD)
    assert refused.value.rule == "already_signed"


def test_only_a_coordinator_of_the_organisation_records_a_paper_signature(
    leader_user: User, other_coordinator: User, bare: Deployment, media_root: Path
) -> None:
    for person in (leader_user, other_coordinator):
        with pytest.raises(NotAllowed):
            paper(person, bare, Party.BROKER_LEAD)
    assert not Signature.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 an executable", "The scan must be a PDF or an image"),
        (b"<html><script>", "The scan must be a PDF or an image"),
        (b"", "Upload a scan of the signed agreement."),
    ],
)
def test_a_scan_that_is_not_a_pdf_or_image_is_refused(
    coordinator: User, bare: Deployment, media_root: Path, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        paper(coordinator, bare, Party.BROKER_LEAD, scan=scan(content, "scan.pdf"))
    assert message in refused.value.message_dict["scan"][0]
    assert not Signature.objects.exists()
    assert stored_files(media_root) == []


def test_a_scan_over_20_mb_is_refused(
    coordinator: User, bare: Deployment, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scans, "SCAN_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as refused:
        paper(coordinator, bare, Party.BROKER_LEAD, scan=scan(PDF + b"x" * 200))
    assert "20 MB or smaller" in refused.value.message_dict["scan"][0]
    assert not Signature.objects.exists()


def test_a_date_in_the_future_is_refused(coordinator: User, bare: Deployment) -> None:
    with pytest.raises(ValidationError) as refused:
        paper(coordinator, bare, Party.BROKER_LEAD, signed_on=dt.date(2999, 1, 1))
    assert "signed_on" in refused.value.message_dict


def test_the_page_records_a_paper_signature_with_an_image_scan(
    login: Login, coordinator: User, bare: Deployment
) -> None:
    client = login(coordinator)
    url = f"/deployments/{bare.pk}/sign-on-paper/"
    assert client.get(url + "?party=broker_lead").status_code == 200
    data = paper_form(Party.BROKER_LEAD, scan=SimpleUploadedFile("s.png", PNG, "image/png"))
    response = client.post(url, data)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.scan_type == "image/png"
    page = client.get(f"/deployments/{bare.pk}/").content.decode()
    assert "On paper" in page
    assert f"/deployments/{bare.pk}/signatures/broker_lead/scan/" in page


def test_the_page_shows_a_clear_error_for_a_bad_file_and_writes_nothing(
    login: Login, coordinator: User, bare: Deployment, media_root: Path
) -> None:
    data = paper_form(
        Party.BROKER_LEAD, scan=SimpleUploadedFile("s.pdf", b"PK\x03\x04zip", "application/pdf")
    )
    response = login(coordinator).post(f"/deployments/{bare.pk}/sign-on-paper/", data)
    assert response.status_code == 200
    assert "The scan must be a PDF or an image" in response.content.decode()
    assert not Signature.objects.exists()
    assert stored_files(media_root) == []


def test_the_page_asks_for_a_real_date(login: Login, coordinator: User, bare: Deployment) -> None:
    data = paper_form(Party.BROKER_LEAD, signed_on_month="")
    response = login(coordinator).post(f"/deployments/{bare.pk}/sign-on-paper/", data)
    assert response.status_code == 200
    assert "Date they signed must include a month" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_paper_page_is_refused_to_others(
    login: Login, leader_user: User, other_coordinator: User, stranger: User, bare: Deployment
) -> None:
    url = f"/deployments/{bare.pk}/sign-on-paper/"
    assert login(leader_user).post(url, paper_form(Party.BROKER_LEAD)).status_code == 403
    assert login(other_coordinator).post(url, paper_form(Party.BROKER_LEAD)).status_code == 404
    assert login(stranger).get(url).status_code == 404
    assert not Signature.objects.exists()


# The scan's download -----------------------------------------------------------------------------


def test_the_scan_downloads_to_those_who_see_the_agreement_only(
    login: Login,
    coordinator: User,
    leader_user: User,
    other_coordinator: User,
    stranger: User,
    bare: Deployment,
) -> None:
    paper(coordinator, bare, Party.BROKER_LEAD)
    url = f"/deployments/{bare.pk}/signatures/broker_lead/scan/"
    for person in (coordinator, leader_user):
        response = login(person).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    for person in (other_coordinator, stranger):
        assert login(person).get(url).status_code == 404


def test_no_scan_for_a_party_signed_in_syslead(
    login: Login, coordinator: User, bare: Deployment
) -> None:
    deployment_sign(actor=bare.leader.user, deployment=bare)
    client = login(coordinator)
    assert client.get(f"/deployments/{bare.pk}/signatures/leader/scan/").status_code == 404
    assert client.get(f"/deployments/{bare.pk}/signatures/nonsense/scan/").status_code == 404


def test_changing_the_terms_withdraws_a_paper_signature_and_its_scan(
    coordinator: User,
    bare: Deployment,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    paper(coordinator, bare, Party.BROKER_LEAD)
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        deployment_update(actor=coordinator, deployment=bare, full_days=4)
    assert not Signature.objects.exists()
    assert stored_files(media_root) == []
