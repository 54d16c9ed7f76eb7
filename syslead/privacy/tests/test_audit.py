"""The audit of reads: every view of a safeguarding concern, an evaluation, a final report before
quality assurance, an evidence pack download and a subject access export download records who,
when and what; the concern's named person and administrators see that log from the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.evaluation.models import EvidencePack, FinalReport, FinalReportStatus
from syslead.privacy.audit import read_record
from syslead.privacy.models import ReadAudit, ReadKind
from syslead.visits.models import Concern

Login = Callable[[User], Client]


def reads(kind: str, record_id: int) -> list[tuple[str, str]]:
    return [
        (r.reader.email if r.reader else "", r.detail)
        for r in ReadAudit.objects.filter(kind=kind, record_id=record_id).order_by("pk")
    ]


# --- Reads are recorded -----------------------------------------------------------------------


def test_opening_a_concern_records_who_read_it(
    login: Login, concern: Concern, named_person: User
) -> None:
    assert login(named_person).get(f"/concerns/{concern.pk}/").status_code == 200
    assert reads(ReadKind.CONCERN, concern.pk) == [("nina@kyra.test", "page")]
    read = ReadAudit.objects.get()
    assert read.read_at is not None


def test_someone_refused_a_concern_leaves_no_read(
    login: Login, concern: Concern, client_head: User
) -> None:
    assert login(client_head).get(f"/concerns/{concern.pk}/").status_code == 404
    assert not ReadAudit.objects.exists()


def test_reading_the_evaluation_page_and_its_pdf_is_recorded(
    login: Login, finished: Deployment, coordinator: User
) -> None:
    web = login(coordinator)
    assert web.get(f"/deployments/{finished.pk}/evaluation/").status_code == 200
    assert web.get(f"/deployments/{finished.pk}/evaluation.pdf").status_code == 200
    evaluation = finished.evaluation
    assert reads(ReadKind.EVALUATION, evaluation.pk) == [
        ("alice@kyra.test", "page"),
        ("alice@kyra.test", "PDF"),
    ]


def _report(deployment: Deployment, status: str) -> FinalReport:
    return FinalReport.objects.create(
        deployment=deployment,
        author=deployment.leader.user,
        status=status,
        work_summary="Coached the maths leader.",
        impact="KS2 maths up.",
    )


def test_a_final_report_before_quality_assurance_records_its_reads(
    login: Login, finished: Deployment, coordinator: User
) -> None:
    report = _report(finished, FinalReportStatus.AWAITING_QA)
    assert login(coordinator).get(f"/deployments/{finished.pk}/final-report/").status_code == 200
    assert reads(ReadKind.FINAL_REPORT, report.pk) == [("alice@kyra.test", "page")]


def test_an_approved_final_report_is_read_without_a_record(
    login: Login, finished: Deployment, client_head: User
) -> None:
    _report(finished, FinalReportStatus.APPROVED)
    assert login(client_head).get(f"/deployments/{finished.pk}/final-report/").status_code == 200
    assert not ReadAudit.objects.exists()


def test_an_evidence_pack_download_is_recorded(
    login: Login, finished: Deployment, client_head: User
) -> None:
    pack = EvidencePack.objects.create(deployment=finished, status="ready", pdf=b"%PDF-1.7")
    url = f"/deployments/{finished.pk}/evidence-pack/{pack.pk}.pdf"
    assert login(client_head).get(url).status_code == 200
    assert reads(ReadKind.EVIDENCE_PACK, finished.pk) == [
        ("cara@ermine.test", f"Pack {pack.pk} (PDF)")
    ]


# --- Who sees the log --------------------------------------------------------------------------


def test_the_named_person_sees_who_read_the_concern_from_the_concern(
    login: Login, concern: Concern, named_person: User, coordinator: User
) -> None:
    read_record(coordinator, ReadKind.CONCERN, concern.pk, "page")
    web = login(named_person)
    page = web.get(f"/concerns/{concern.pk}/")
    log_url = f"/privacy/reads/concern/{concern.pk}/"
    assert log_url.encode() in page.content
    log = web.get(log_url)
    assert log.status_code == 200
    assert b"Alice Coordinator" in log.content
    assert b"Nina Named-Person" in log.content  # her own read of the concern, just now


@pytest.mark.parametrize("who", ["coordinator", "leader_user", "stranger", "client_head"])
def test_others_do_not_see_the_concerns_read_log(
    login: Login, concern: Concern, request: pytest.FixtureRequest, who: str
) -> None:
    web = login(request.getfixturevalue(who))
    assert web.get(f"/privacy/reads/concern/{concern.pk}/").status_code == 404
    page = web.get(f"/concerns/{concern.pk}/")
    assert b"/privacy/reads/" not in page.content


def test_administrators_see_every_records_read_log(
    login: Login, finished: Deployment, administrator: User, coordinator: User
) -> None:
    read_record(coordinator, ReadKind.EVALUATION, finished.evaluation.pk, "page")
    web = login(administrator)
    page = web.get(f"/deployments/{finished.pk}/evaluation/")
    assert f"/privacy/reads/evaluation/{finished.evaluation.pk}/".encode() in page.content
    log = web.get(f"/privacy/reads/evaluation/{finished.evaluation.pk}/")
    assert log.status_code == 200
    assert b"Alice Coordinator" in log.content


def test_a_coordinator_does_not_see_the_evaluations_read_log(
    login: Login, finished: Deployment, coordinator: User
) -> None:
    web = login(coordinator)
    assert web.get(f"/privacy/reads/evaluation/{finished.evaluation.pk}/").status_code == 404


def test_an_unknown_kind_of_record_is_404(login: Login, administrator: User) -> None:
    assert login(administrator).get("/privacy/reads/visit/1/").status_code == 404


def test_reading_the_evaluation_through_the_api_is_recorded(
    api: Any, finished: Deployment, coordinator: User
) -> None:
    assert api(coordinator).get(f"/deployments/{finished.pk}/evaluation").status_code == 200
    assert reads(ReadKind.EVALUATION, finished.evaluation.pk) == [("alice@kyra.test", "API")]
