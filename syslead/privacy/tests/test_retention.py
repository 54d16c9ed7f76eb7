"""The retention schedule: one table in the code, the same table in docs/retention.md; applied on
a given day (the tests move the calendar by passing the day), it deletes or anonymises what is
due, records the counts, never touches what is not due, and keeps counts, KPIs and invoices as
they were."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from syslead.accounts.models import ApiToken, User
from syslead.core.events import events_for
from syslead.deployments.models import CloseOut, Deployment, DeploymentStatus, Dispute
from syslead.evaluation.models import Evaluation, EvaluationRating, EvidencePack
from syslead.invoicing.models import Invoice
from syslead.leaders.models import (
    ApplicationDecision,
    ApplicationStage,
    DesignationApplication,
    DesignationRound,
    DesignationType,
    LeaderProfile,
)
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.privacy.erasure import REMOVED, pseudonym_for
from syslead.privacy.management.commands.retention_doc import retention_doc_path
from syslead.privacy.models import (
    AccountDeparture,
    Erasure,
    ReadAudit,
    ReadKind,
    RetentionRun,
    SubjectAccessExport,
)
from syslead.privacy.retention import RULES, Action, Period, retention_markdown
from syslead.privacy.retention_run import APPLIERS, apply_retention, apply_retention_task
from syslead.privacy.tests.conftest import figures
from syslead.visits.models import Concern, Visit
from syslead.visits.tests.factories import make_deployment

SIX_YEARS_ON = dt.date(2032, 3, 27)
DAY_BEFORE = SIX_YEARS_ON - dt.timedelta(days=1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


# --- The table ---


def test_the_documented_schedule_is_the_table_in_the_code() -> None:
    assert retention_doc_path().read_text(encoding="utf-8") == retention_markdown()
    for rule in RULES:
        assert rule.period.label in retention_markdown()


def test_every_rule_has_an_applier_and_says_what_happens_and_why() -> None:
    assert set(APPLIERS) == {rule.key for rule in RULES}
    for rule in RULES:
        assert rule.action in (Action.DELETE, Action.ANONYMISE)
        assert rule.record_type
        assert rule.clock_starts
        assert rule.legal_basis
        assert rule.what_happens


def test_the_schedule_keeps_finance_records_six_years_and_concerns_twenty_five() -> None:
    periods = {rule.key: rule.period for rule in RULES}
    assert periods["notes_of_visit"] == periods["agreements"] == periods["invoices"]
    assert periods["invoices"] == Period(years=6)
    assert periods["concerns"] == Period(years=25)
    assert periods["applications_not_designated"] == Period(years=1)


def test_a_period_before_a_day_steps_back_by_calendar_months() -> None:
    assert Period(years=6).before(dt.date(2032, 3, 27)) == dt.date(2026, 3, 27)
    assert Period(years=1).before(dt.date(2029, 2, 28)) == dt.date(2028, 2, 28)
    assert Period(years=1).before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert Period(months=12).before(dt.date(2027, 1, 31)) == dt.date(2026, 1, 31)
    assert Period(months=1).before(dt.date(2027, 3, 31)) == dt.date(2027, 2, 28)
    assert Period(days=7).before(dt.date(2027, 3, 3)) == dt.date(2027, 2, 24)


# --- Agreements and their records: six years after the agreement ends ---


def test_nothing_of_a_finished_agreement_changes_the_day_before_six_years(
    finished: Deployment,
) -> None:
    before = list(Visit.objects.values_list("focus", "progress"))
    result = apply_retention(DAY_BEFORE)
    assert result.counts["notes_of_visit"] == 0
    assert result.counts["agreements"] == 0
    assert list(Visit.objects.values_list("focus", "progress")) == before
    finished.refresh_from_db()
    assert finished.staff_involved == "Mr Smith, the maths leader"


def test_six_years_after_the_agreement_ends_its_records_are_anonymised_and_still_add_up(
    finished: Deployment,
) -> None:
    before = figures(finished.organisation)
    result = apply_retention(SIX_YEARS_ON)
    assert result.counts["notes_of_visit"] == 2
    assert result.counts["agreements"] == 1
    assert result.counts["invoices"] == 1
    assert result.counts["feedback_and_evaluation"] >= 1
    assert set(Visit.objects.values_list("focus", flat=True)) == {REMOVED}
    assert not Visit.objects.exclude(progress="").exists()
    assert not Visit.objects.filter(recorded_by__isnull=False).exists()
    finished.refresh_from_db()
    assert finished.staff_involved == ""
    assert finished.client_headteacher_email == ""
    assert finished.leader_contact == ""
    assert not EvaluationRating.objects.exclude(comment="").exists()
    assert Evaluation.objects.filter(submitted_by__isnull=True).count() == 1
    assert figures(finished.organisation) == before


def test_six_years_on_a_close_out_reason_and_disputes_are_anonymised(
    finished: Deployment,
) -> None:
    """docs/retention.md, agreements: reasons are replaced and the people unlinked (the
    close-out's reason and disputes, docs/rules.md "Closing an agreement")."""
    CloseOut.objects.create(
        deployment=finished, fully_delivered=False, not_delivered_reason="Ms Smith was ill"
    )
    Dispute.objects.create(
        deployment=finished, what="Mr Jones disputes it", outcome="Agreed", raised_by=None
    )
    apply_retention(SIX_YEARS_ON)
    assert CloseOut.objects.get(deployment=finished).not_delivered_reason == REMOVED
    dispute = Dispute.objects.get(deployment=finished)
    assert (dispute.what, dispute.outcome) == (REMOVED, REMOVED)


def test_an_anonymised_agreement_is_not_counted_again_by_the_next_run(
    finished: Deployment,
) -> None:
    apply_retention(SIX_YEARS_ON)
    again = apply_retention(SIX_YEARS_ON + dt.timedelta(days=1))
    assert again.counts["notes_of_visit"] == 0
    assert again.counts["agreements"] == 0
    assert again.total == 0


def test_an_agreement_still_active_is_never_touched_however_old(
    leader: LeaderProfile, alliance: Organisation, client_school: Any
) -> None:
    active = make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=client_school,
        staff_involved="Mr Smith",
        status=DeploymentStatus.ACTIVE,
    )
    result = apply_retention(dt.date(2060, 1, 1))
    assert result.counts["agreements"] == 0
    active.refresh_from_db()
    assert active.staff_involved == "Mr Smith"


def test_evidence_packs_of_an_agreement_past_retention_are_deleted(
    finished: Deployment,
) -> None:
    EvidencePack.objects.create(deployment=finished, status="ready", pdf=b"%PDF-1.7")
    assert apply_retention(DAY_BEFORE).counts["evidence_packs"] == 0
    assert apply_retention(SIX_YEARS_ON).counts["evidence_packs"] == 1
    assert not EvidencePack.objects.exists()


def test_documents_of_an_agreement_past_retention_are_deleted_with_their_files(
    finished: Deployment,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from syslead.documents.models import Document

    settings.MEDIA_ROOT = tmp_path
    names = [default_storage.save(f"documents/{n}.pdf", ContentFile(b"%PDF-1.7")) for n in "ab"]
    for name, owner in zip(
        names,
        ({"deployment": finished}, {"support_request": finished.support_request}),
        strict=True,
    ):
        Document.objects.create(
            **owner,
            kind="other",
            title="Plan",
            file=name,
            original_name="plan.pdf",
            content_type="application/pdf",
            size=8,
        )
    assert apply_retention(DAY_BEFORE).counts["documents"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention(SIX_YEARS_ON).counts["documents"] == 2
    assert not Document.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


# --- Concerns: 25 years after they are raised ---


def test_a_concern_is_kept_25_years_then_deleted_with_its_timeline(concern: Concern) -> None:
    Concern.objects.filter(pk=concern.pk).update(raised_at=_at(dt.date(2026, 1, 10)))
    assert apply_retention(dt.date(2051, 1, 9)).counts["concerns"] == 0
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert events_for(concern).exists()
    assert apply_retention(dt.date(2051, 1, 10)).counts["concerns"] == 1
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not events_for(concern).exists()


# --- Applications not designated: one year after the last decision ---


def _application(leader: LeaderProfile, alliance: Organisation, stage: str) -> Any:
    round_ = DesignationRound.objects.create(
        organisation=alliance,
        designation_type=DesignationType.objects.get(code="SLE", organisation=None),
        title=f"Round for {stage}",
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 10, 1),
    )
    application = DesignationApplication.objects.create(
        round=round_,
        leader=leader,
        stage=stage,
        years_in_role=3,
        field_of_expertise="Maths",
        evidence="Raised KS2 maths attainment.",
    )
    decision = ApplicationDecision.objects.create(
        application=application, from_stage="submitted", to_stage=stage, reason="Decided."
    )
    ApplicationDecision.objects.filter(pk=decision.pk).update(decided_at=_at(dt.date(2026, 11, 2)))
    return application


def test_an_application_not_designated_is_deleted_a_year_after_the_decision(
    leader: LeaderProfile, alliance: Organisation
) -> None:
    rejected = _application(leader, alliance, ApplicationStage.REJECTED)
    designated = _application(leader, alliance, ApplicationStage.DESIGNATED)
    assert apply_retention(dt.date(2027, 11, 1)).counts["applications_not_designated"] == 0
    result = apply_retention(dt.date(2027, 11, 2))
    assert result.counts["applications_not_designated"] == 1
    assert not DesignationApplication.objects.filter(pk=rejected.pk).exists()
    assert DesignationApplication.objects.filter(pk=designated.pk).exists()


# --- People who left: anonymised a year after their account is deactivated ---


def test_deactivating_an_account_starts_the_clock_and_reactivating_stops_it(
    stranger: User,
) -> None:
    stranger.is_active = False
    stranger.save()
    assert AccountDeparture.objects.filter(user=stranger).exists()
    stranger.is_active = True
    stranger.save()
    assert not AccountDeparture.objects.filter(user=stranger).exists()


def test_a_leaver_is_anonymised_twelve_months_after_deactivation_and_not_before(
    stranger: User, coordinator: User
) -> None:
    ApiToken.issue(stranger)
    stranger.is_active = False
    stranger.save()
    AccountDeparture.objects.filter(user=stranger).update(deactivated_at=_at(dt.date(2026, 5, 4)))
    assert apply_retention(dt.date(2027, 5, 3)).counts["leavers"] == 0
    stranger.refresh_from_db()
    assert stranger.name == "Charlie Stranger"
    assert apply_retention(dt.date(2027, 5, 4)).counts["leavers"] == 1
    stranger.refresh_from_db()
    assert stranger.name == pseudonym_for(stranger)
    assert not stranger.has_usable_password()
    assert not ApiToken.objects.filter(user=stranger).exists()
    assert Erasure.objects.get(person=stranger).erased_by is None
    coordinator.refresh_from_db()
    assert coordinator.name == "Alice Coordinator"  # still active: never touched


def test_a_leaver_still_leading_a_live_agreement_is_held(
    leader: LeaderProfile, alliance: Organisation, client_school: Any
) -> None:
    make_deployment(leader=leader, organisation=alliance, client_school=client_school)
    user = leader.user
    user.is_active = False
    user.save()
    AccountDeparture.objects.filter(user=user).update(deactivated_at=_at(dt.date(2026, 1, 5)))
    result = apply_retention(dt.date(2027, 6, 1))
    assert result.counts["leavers"] == 0
    assert result.held == {"leavers": 1}
    user.refresh_from_db()
    assert user.name == "Lee Leader"


# --- Inbox, reads, exports ---


def test_inbox_reads_and_exports_go_after_their_periods(stranger: User) -> None:
    note = Notification.objects.create(user=stranger, verb="x", text="Hello")
    Notification.objects.filter(pk=note.pk).update(created_at=_at(dt.date(2026, 1, 1)))
    read = ReadAudit.objects.create(reader=stranger, kind=ReadKind.CONCERN, record_id=1)
    ReadAudit.objects.filter(pk=read.pk).update(read_at=_at(dt.date(2026, 1, 1)))
    export = SubjectAccessExport.objects.create(person=stranger, status="failed")
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        requested_at=_at(dt.date(2026, 1, 1)), finished_at=_at(dt.date(2026, 1, 1))
    )
    early = apply_retention(dt.date(2026, 1, 7))
    assert (early.counts["subject_access_exports"], early.counts["notifications"]) == (0, 0)
    week = apply_retention(dt.date(2026, 1, 8))
    assert week.counts["subject_access_exports"] == 1
    assert week.counts["notifications"] == 0
    assert apply_retention(dt.date(2027, 1, 1)).counts["notifications"] == 1
    assert apply_retention(dt.date(2031, 12, 31)).counts["read_audit"] == 0
    assert apply_retention(dt.date(2032, 1, 1)).counts["read_audit"] == 1


# --- The run's record, the command and the task ---


def test_each_run_is_recorded_with_its_counts_per_rule(finished: Deployment) -> None:
    result = apply_retention(SIX_YEARS_ON)
    run = RetentionRun.objects.get()
    assert result.run == run
    assert run.today == SIX_YEARS_ON
    assert run.counts["agreements"] == 1
    assert set(run.counts) == {rule.key for rule in RULES}
    assert not run.dry_run


def test_a_dry_run_counts_what_is_due_and_changes_nothing(finished: Deployment) -> None:
    result = apply_retention(SIX_YEARS_ON, dry_run=True)
    assert result.counts["agreements"] == 1
    assert result.run is not None
    assert result.run.dry_run
    assert not Visit.objects.filter(focus=REMOVED).exists()
    assert apply_retention(SIX_YEARS_ON).counts["agreements"] == 1


def test_the_command_applies_the_schedule_for_a_given_day(finished: Deployment) -> None:
    out = StringIO()
    call_command("apply_retention", "--date", SIX_YEARS_ON.isoformat(), stdout=out)
    assert "agreements: 1 (anonymise)" in out.getvalue()
    assert Visit.objects.filter(focus=REMOVED).count() == 2


def test_the_command_fails_when_the_document_is_out_of_date(tmp_path: Any, settings: Any) -> None:
    settings.BASE_DIR = tmp_path
    with pytest.raises(Exception, match="out of date"):
        call_command("retention_doc", "--check", stdout=StringIO())
    call_command("retention_doc", stdout=StringIO())
    call_command("retention_doc", "--check", stdout=StringIO())


def test_the_background_task_applies_the_schedule(finished: Deployment) -> None:
    result = apply_retention_task.enqueue(SIX_YEARS_ON.isoformat())
    assert result.return_value["agreements"] == 1
    assert Invoice.objects.get().created_by is None
    assert Deployment.objects.get().status == DeploymentStatus.COMPLETED


def test_a_replaced_version_waits_for_the_version_that_replaced_it(
    finished: Deployment,
) -> None:
    Deployment.objects.filter(pk=finished.pk).update(status=DeploymentStatus.SUPERSEDED)
    later = make_deployment(
        leader=finished.leader,
        organisation=finished.organisation,
        client_school=finished.client_school,
        status=DeploymentStatus.ACTIVE,
        previous_version=finished,
        version=2,
    )
    assert apply_retention(SIX_YEARS_ON).counts["notes_of_visit"] == 0
    assert not Visit.objects.filter(focus=REMOVED).exists()
    Deployment.objects.filter(pk=later.pk).update(
        status=DeploymentStatus.COMPLETED, ended_on=dt.date(2027, 3, 26)
    )
    assert apply_retention(dt.date(2033, 3, 25)).counts["notes_of_visit"] == 0
    assert apply_retention(dt.date(2033, 3, 26)).counts["notes_of_visit"] == 2


def test_six_years_on_the_leaders_self_evaluation_keeps_only_its_rating(
    finished: Deployment,
) -> None:
    """docs/retention.md, feedback and evaluation: the leader's self-evaluation of the agreement
    (docs/rules.md, "A leader's portfolio") loses its words and its writer; the rating stays."""
    from syslead.evaluation.models import SelfEvaluation

    SelfEvaluation.objects.create(
        deployment=finished,
        went_well="Ms Jones's team took to the coaching",
        impact_seen="Better maths lessons",
        do_differently="Start earlier",
        contribution=SelfEvaluation._meta.get_field("contribution").choices[0][0],
        written_by=finished.leader.user,
    )
    apply_retention(DAY_BEFORE)
    assert SelfEvaluation.objects.get().went_well.startswith("Ms Jones")
    apply_retention(SIX_YEARS_ON)
    kept = SelfEvaluation.objects.get()
    assert (kept.went_well, kept.impact_seen, kept.do_differently) == (REMOVED,) * 3
    assert kept.written_by is None
    assert kept.contribution
