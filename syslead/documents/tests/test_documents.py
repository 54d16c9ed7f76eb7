"""Documents on requests and agreements (docs/documents.md): the type and size rules, who may
add, see, download and remove them, the pages, the evidence pack and the timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.core.exceptions import NotAllowed
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.documents.models import Document, DocumentKind
from syslead.documents.services import document_add, document_remove
from syslead.documents.views import safe_filename
from syslead.evaluation.evidence import evidence_pack_html

Login = Callable[[User], Client]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 40
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 40


def upload(name: str = "plan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(actor: User, owner: SupportRequest | Deployment, **extra: Any) -> Document:
    fields: dict[str, Any] = {
        "kind": DocumentKind.DEVELOPMENT_PLAN,
        "title": "School development plan 2026-27",
        "upload": upload(),
    }
    fields.update(extra)
    return document_add(actor=actor, owner=owner, **fields)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# --- The type and size rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        (
            "plan.docx",
            ZIP,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.doc", OLE, "application/msword"),
        ("data.xlsx", ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("data.XLS", OLE, "application/vnd.ms-excel"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("chart.gif", GIF, "image/gif"),
    ],
)
def test_pdf_word_excel_and_images_are_accepted(
    coordinator: User, support_request: SupportRequest, name: str, content: bytes, content_type: str
) -> None:
    document = add(coordinator, support_request, upload=upload(name, content))
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.original_name == name
    assert document.file.read() == content


def test_the_file_is_stored_under_a_random_name_never_the_persons(
    coordinator: User, support_request: SupportRequest, media_root: Path
) -> None:
    document = add(coordinator, support_request, upload=upload("../../Secret plan.pdf"))
    assert document.file.name.startswith("documents/")
    assert "Secret" not in document.file.name
    assert ".." not in document.file.name
    assert document.original_name == "Secret plan.pdf"
    (stored,) = stored_files(media_root)
    assert stored.is_relative_to(media_root)
    assert stored.suffix == ".pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", EXE),  # a program renamed .pdf: the content says otherwise
        ("report.pdf", ZIP),  # a ZIP is not a PDF
        ("data.xlsx", PDF),  # a PDF named as a workbook
        ("setup.exe", EXE),  # not an accepted type at all
        ("notes.txt", b"plain text"),
        ("noextension", PDF),
    ],
)
def test_the_name_and_the_content_must_both_be_an_accepted_type(
    coordinator: User,
    support_request: SupportRequest,
    media_root: Path,
    name: str,
    content: bytes,
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(coordinator, support_request, upload=upload(name, content))
    assert "must be a PDF, a Word document" in refused.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(
    coordinator: User, support_request: SupportRequest, settings: Any, media_root: Path
) -> None:
    settings.SYSLEAD_DOCUMENT_MAX_BYTES = 2048
    add(coordinator, support_request, upload=upload(content=PDF + b"\x00" * (2048 - len(PDF))))
    with pytest.raises(ValidationError) as refused:
        add(coordinator, support_request, upload=upload(content=PDF + b"\x00" * 2048))
    assert refused.value.message_dict["file"] == [
        f"The file must be 2 KB or smaller (this one is {2048 + len(PDF):,} bytes, over 2,048)."
    ]
    with pytest.raises(ValidationError) as refused:
        add(coordinator, support_request, upload=upload(content=PDF + b"\x00" * 100_000))
    assert refused.value.message_dict["file"] == [
        "The file must be 2 KB or smaller (this one is 98 KB)."
    ]
    assert Document.objects.count() == 1


def test_the_default_limit_is_20_mb(settings: Any) -> None:
    assert settings.SYSLEAD_DOCUMENT_MAX_BYTES == 20 * 1024 * 1024


def test_an_empty_file_a_blank_title_and_an_unknown_kind_are_refused(
    coordinator: User, support_request: SupportRequest
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(coordinator, support_request, kind="secret", title="   ", upload=upload(content=b""))
    assert set(refused.value.message_dict) == {"kind", "title", "file"}


# --- Who may add, see, download and remove -------------------------------------------------------


def test_the_requests_parties_may_add_documents_to_it(
    coordinator: User,
    client_head: User,
    leader_user: User,
    broker_lead: User,
    other_coordinator: User,
    support_request: SupportRequest,
) -> None:
    for person in (coordinator, client_head, leader_user):  # broker, school, chosen leader
        add(person, support_request)
    for person in (broker_lead, other_coordinator):
        with pytest.raises(NotAllowed):
            add(person, support_request)
    assert Document.objects.filter(support_request=support_request).count() == 3


def test_the_agreements_parties_may_add_documents_to_it(
    coordinator: User,
    leader_user: User,
    home_head: User,
    client_head: User,
    broker_lead: User,
    other_coordinator: User,
    agreement: Deployment,
) -> None:
    for person in (coordinator, leader_user, home_head, client_head):
        add(person, agreement)
    for person in (broker_lead, other_coordinator):
        with pytest.raises(NotAllowed):
            add(person, agreement)
    assert Document.objects.filter(deployment=agreement).count() == 4


def test_whoever_added_it_or_a_coordinator_may_remove_it_and_the_file_goes(
    coordinator: User,
    client_head: User,
    leader_user: User,
    agreement: Deployment,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    by_head = add(client_head, agreement)
    by_leader = add(leader_user, agreement)
    with pytest.raises(NotAllowed):
        document_remove(actor=leader_user, document=by_head)
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=client_head, document=by_head)
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=coordinator, document=by_leader)
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_adding_and_removing_are_on_the_records_timeline(
    client_head: User, support_request: SupportRequest
) -> None:
    document = add(client_head, support_request, title="Briefing for Lee")
    document_remove(actor=client_head, document=document)
    summaries = list(
        Event.objects.filter(verb__startswith="document.")
        .order_by("pk")
        .values_list("verb", "summary", "subject_id")
    )
    assert summaries == [
        (
            "document.added",
            "Document added: Briefing for Lee (School development plan)",
            str(support_request.pk),
        ),
        (
            "document.removed",
            "Document removed: Briefing for Lee (School development plan)",
            str(support_request.pk),
        ),
    ]


def test_the_download_is_an_attachment_with_a_safe_name_and_no_caching(
    login: Login, client_head: User, coordinator: User, agreement: Deployment
) -> None:
    document = add(client_head, agreement, upload=upload('..\\x/"Plan"\r\nX: ü 2026.PDF'))
    response = login(coordinator).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Plan-X-u-2026.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("plan.pdf", "plan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Plan 1.docx", "Plan-1.docx"),
        ('"quoted";.pdf', "quoted.pdf"),
        ("....", "document"),
        ("école.pdf", "ecole.pdf"),
    ],
)
def test_file_names_are_sanitised(given: str, safe: str) -> None:
    assert safe_filename(given) == safe


def test_documents_of_a_record_one_cannot_see_are_404(
    login: Login,
    client_head: User,
    other_coordinator: User,
    sip: User,
    support_request: SupportRequest,
) -> None:
    document = add(client_head, support_request)
    for person in (other_coordinator, sip):  # a stranger; a SIP on the school route
        client = login(person)
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
        assert client.post(reverse("documents:remove", args=[document.pk])).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_document_whose_file_is_gone_is_404_not_an_error(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    document = add(coordinator, support_request)
    document.file.storage.delete(document.file.name)
    response = login(coordinator).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 404


# --- The pages --------------------------------------------------------------------------------


def test_the_request_page_lists_documents_and_links_a_party_to_the_add_page(
    login: Login, client_head: User, coordinator: User, support_request: SupportRequest
) -> None:
    add(coordinator, support_request, title="LA data pack", kind=DocumentKind.DATA_PACK)
    page = login(client_head).get(reverse("brokering:detail", args=[support_request.pk]))
    html = page.content.decode()
    assert 'id="documents"' in html
    assert "LA data pack" in html
    assert "Local authority data pack" in html
    add_url = reverse("documents:add_to_request", args=[support_request.pk])
    assert f'<a class="govuk-link" href="{add_url}">Add a document</a>' in html
    # The form is on its own page, not on the request's.
    assert 'enctype="multipart/form-data"' not in html
    assert 'type="file"' not in html
    assert "Remove" not in html.split('id="documents"')[1].split("</table>")[0]  # not hers


def test_the_request_page_has_no_add_link_for_one_who_may_not_add(
    login: Login, broker_lead: User, support_request: SupportRequest
) -> None:
    html = login(broker_lead).get(reverse("brokering:detail", args=[support_request.pk]))
    text = html.content.decode()
    assert 'id="documents"' in text
    assert "Add a document" not in text
    assert reverse("documents:add_to_request", args=[support_request.pk]) not in text


@pytest.mark.parametrize("owner_kind", ["request", "agreement"])
def test_the_documents_section_reads_its_documents_in_one_query_however_many(
    rf: Any,
    coordinator: User,
    client_head: User,
    home_head: User,
    support_request: SupportRequest,
    agreement: Deployment,
    django_assert_num_queries: Any,
    owner_kind: str,
) -> None:
    """A coordinator may remove documents others added: deciding it reads each document's record,
    which is the one the section lists (not read again per document)."""
    from syslead.documents.templatetags.documents import documents_section

    owner = support_request if owner_kind == "request" else agreement
    for number in range(3):
        add(client_head if owner_kind == "request" else home_head, owner, title=f"Paper {number}")
    request = rf.get("/")
    request.user = coordinator
    documents_section({"request": request}, owner)  # the coordinator's roles, read once
    with django_assert_num_queries(1):
        section = documents_section({"request": request}, owner)
    assert [row["document"].title for row in section["rows"]] == [
        "Paper 2",
        "Paper 1",
        "Paper 0",
    ]
    assert all(row["remove"] for row in section["rows"])


def test_the_agreement_page_links_a_party_to_the_add_page(
    login: Login, home_head: User, agreement: Deployment
) -> None:
    text = login(home_head).get(reverse("deployments:detail", args=[agreement.pk])).content
    add_url = reverse("documents:add_to_agreement", args=[agreement.pk])
    assert f'<a class="govuk-link" href="{add_url}">Add a document</a>' in text.decode()
    assert 'type="file"' not in text.decode()


def test_the_agreement_page_lists_documents_without_a_link_for_readers(
    login: Login, broker_lead: User, leader_user: User, agreement: Deployment
) -> None:
    add(leader_user, agreement, title="Briefing paper", kind=DocumentKind.BRIEFING_PAPER)
    html = login(broker_lead).get(reverse("deployments:detail", args=[agreement.pk])).content
    text = html.decode()
    assert "Briefing paper" in text
    assert "Headteacher&#x27;s briefing paper" in text
    assert "Add a document" not in text
    assert reverse("documents:add_to_agreement", args=[agreement.pk]) not in text


def test_the_add_page_shows_the_upload_form_to_a_party(
    login: Login, client_head: User, support_request: SupportRequest
) -> None:
    response = login(client_head).get(
        reverse("documents:add_to_request", args=[support_request.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert "govuk-file-upload" in html
    assert "Add the document" in html
    # The way back to the record, as on every page below it.
    crumbs = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    record = reverse("brokering:detail", args=[support_request.pk])
    assert f'<a href="{record}#documents">Request for support: ' in crumbs
    assert '<li aria-current="page">Add a document</li>' in crumbs


def test_a_refused_upload_shows_the_error_summary_before_the_heading(
    login: Login, client_head: User, support_request: SupportRequest
) -> None:
    url = reverse("documents:add_to_request", args=[support_request.pk])
    html = login(client_head).post(url, {"kind": "", "title": ""}).content.decode()
    assert "There is a problem" in html
    assert html.index("There is a problem") < html.index("<h1")


def test_uploading_through_the_page_adds_it_and_returns_to_the_record(
    login: Login, leader_user: User, agreement: Deployment, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16  # the upload streams to a temporary file
    client = login(leader_user)
    response = client.post(
        reverse("documents:add_to_agreement", args=[agreement.pk]),
        {"kind": "other", "title": "Notes for the head", "file": upload("notes.docx", ZIP)},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/deployments/{agreement.pk}/#documents")
    document = Document.objects.get()
    assert (document.deployment, document.uploaded_by) == (agreement, leader_user)
    page = client.get(response["Location"]).content.decode()
    assert "Notes for the head" in page
    assert reverse("documents:remove", args=[document.pk]) in page  # hers to remove


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "other", "title": "Big", "big": True}, "must be 2 KB or smaller"),
        ({"kind": "other", "title": "Program", "file": ("run.pdf", EXE)}, "content is not"),
        ({"kind": "other", "title": "No file"}, "Choose a file to upload."),
        ({"kind": "nonsense", "title": "Kind", "file": ("a.pdf", PDF)}, "Choose what kind"),
        ({"kind": "other", "title": "x" * 300, "file": ("a.pdf", PDF)}, "200 characters"),
    ],
)
def test_bad_uploads_show_a_message_never_an_error(
    login: Login,
    coordinator: User,
    support_request: SupportRequest,
    settings: Any,
    fields: dict[str, Any],
    message: str,
) -> None:
    settings.SYSLEAD_DOCUMENT_MAX_BYTES = 2048
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger uploads stream to a temporary file
    data: dict[str, Any] = {key: fields[key] for key in ("kind", "title")}
    if fields.get("big"):
        data["file"] = upload("big.pdf", PDF + b"\x00" * 5000)
    elif "file" in fields:
        data["file"] = upload(*fields["file"])
    response = login(coordinator).post(
        reverse("documents:add_to_request", args=[support_request.pk]), data
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert not Document.objects.exists()


def test_removing_through_the_page(
    login: Login,
    coordinator: User,
    client_head: User,
    support_request: SupportRequest,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = add(client_head, support_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(reverse("documents:remove", args=[document.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/requests/{support_request.pk}/#documents")
    assert not Document.objects.exists()


def test_another_party_may_not_remove_it(
    login: Login, client_head: User, leader_user: User, agreement: Deployment
) -> None:
    document = add(client_head, agreement)
    response = login(leader_user).post(reverse("documents:remove", args=[document.pk]))
    assert response.status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


# --- The evidence pack ------------------------------------------------------------------------


def test_the_evidence_pack_lists_the_agreements_and_its_requests_documents(
    coordinator: User,
    client_head: User,
    agreement: Deployment,
    support_request: SupportRequest,
    other_coordinator: User,
) -> None:
    add(coordinator, support_request, title="LA data pack", kind=DocumentKind.DATA_PACK)
    add(client_head, agreement, title="Briefing paper", kind=DocumentKind.BRIEFING_PAPER)
    html = evidence_pack_html(agreement)
    section = html.split("8. Documents")[1].split("Timeline")[0]
    assert "LA data pack" in section
    assert "Local authority data pack" in section
    assert "Briefing paper" in section
    assert "Headteacher&#x27;s briefing paper" in section
    assert "The request" in section
    assert "The agreement" in section
