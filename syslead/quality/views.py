"""Quality assurance pages: each calls a service, which decides who may act; a refusal shows as
a 403 page or in the form (``syslead.core.service_calls.run_service``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import broker_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, run_service
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.quality import concerns, services
from syslead.quality.forms import CheckForm, DrawSampleForm, EvaluationCheckForm, FeedbackForm
from syslead.quality.models import PerformanceFeedback, QaCheck, QaSample


def _term_choices(year: AcademicYear) -> list[tuple[str, str]]:
    """The terms of the year and the one before that have begun, the latest first (so the form
    offers the current term first): a term still to come has no notes of visit to sample."""
    today = timezone.localdate()
    terms = [t for t in year.previous().terms() + year.terms() if t.starts_on <= today]
    return [(t.key, t.label) for t in reversed(terms)]


def _organisation_to_read(user: User, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not services.may_read_quality(user, organisation.pk):
        raise PermissionDenied("Only the broker's coordinators and leads may see that.")
    return organisation


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The broker's samples, a form to draw the next, and its leaders for this year's feedback."""
    if is_administrator(request.user):
        organisations = list(Organisation.objects.order_by("name"))
    else:
        organisations = list(
            Organisation.objects.filter(pk__in=broker_organisation_ids(request.user)).order_by(
                "name"
            )
        )
    if not organisations:
        raise PermissionDenied("Only a broker's coordinators and leads see quality assurance.")
    try:
        year = AcademicYear.parse(request.GET.get("year", ""))
    except ValueError:
        year = AcademicYear.current()
    samples = QaSample.objects.filter(organisation__in=organisations).select_related("organisation")
    by_org: dict[int, list[QaSample]] = {}
    for s in samples:
        by_org.setdefault(s.organisation_id, []).append(s)
    feedback_by_org: dict[int, dict[int, PerformanceFeedback]] = {}
    for given in PerformanceFeedback.objects.filter(
        organisation__in=organisations, academic_year=year.label
    ):
        feedback_by_org.setdefault(given.organisation_id, {})[given.leader_id] = given
    areas = [
        {
            "organisation": organisation,
            "coordinates": services.may_coordinate_quality(request.user, organisation.pk),
            "samples": by_org.get(organisation.pk, []),
            "form": DrawSampleForm(terms=_term_choices(year), prefix=f"o{organisation.pk}"),
            "leaders": [
                (leader, feedback_by_org.get(organisation.pk, {}).get(leader.pk))
                for leader in services.leaders_of(organisation.pk, year)
            ],
        }
        for organisation in organisations
    ]
    context = {
        "areas": areas,
        "year": year,
        "previous_year": year.previous(),
        "next_year": year.next(),
    }
    return render(request, "quality/index.html", context)


@login_required
@require_POST
def draw(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not services.may_coordinate_quality(request.user, organisation.pk):
        raise PermissionDenied("Only a coordinator of the broker may do that.")
    try:
        term = Term.from_key(request.POST.get(f"o{organisation.pk}-term", ""))
    except ValueError:
        messages.error(request, "Choose a school term to sample.")
        return redirect("quality:index")
    sample = run_service(
        RefusalForm(),
        lambda: services.draw_sample(user=request.user, organisation=organisation, term=term),
    )
    if sample is None:  # pragma: no cover - the service refuses only with NotAllowed
        return redirect("quality:index")
    return redirect("quality:sample", sample.pk)


def _check_form(check: QaCheck, data: Any, **kwargs: Any) -> CheckForm:
    """The judgement's form: of a note of visit, or of the work an evaluation shows."""
    form_class = EvaluationCheckForm if check.evaluation_id else CheckForm
    return form_class(data, prefix=f"c{check.pk}", **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def sample(request: AuthenticatedHttpRequest, sample_id: int) -> HttpResponse:
    try:
        qa_sample = services.sample_for_user(request.user, sample_id)
    except QaSample.DoesNotExist as missing:
        raise Http404("No such sample.") from missing
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    checks = list(services.sample_checks(qa_sample))
    coordinates = services.may_coordinate_quality(request.user, qa_sample.organisation_id)
    failed: tuple[int, CheckForm] | None = None
    if request.method == "POST":
        if not coordinates:
            raise PermissionDenied("Only a coordinator of the broker may do that.")
        check = next((c for c in checks if str(c.pk) == request.POST.get("check")), None)
        if check is None:
            raise Http404("No such check in this sample.")
        check.sample = qa_sample
        form = _check_form(check, request.POST)
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.record_check(
                    user=request.user,
                    check=check,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                ),
            )
            if done is not None:
                messages.success(request, "The check is recorded.")
                return redirect(
                    reverse("quality:sample", args=[qa_sample.pk]) + f"#check-{check.pk}"
                )
        failed = (check.pk, form)
    open_concerns = concerns.open_concerns_by_leader(
        qa_sample.organisation_id, {c.deployment.leader_id for c in checks}
    )
    rows: list[dict[str, Any]] = []
    for c in checks:
        if failed and failed[0] == c.pk:
            form = failed[1]
        else:
            initial = {"outcome": c.outcome or None, "comment": c.comment}
            form = _check_form(c, None, initial=initial)
        rows.append(
            {
                "check": c,
                "form": form,
                "deployment": c.deployment,
                "concerns": open_concerns.get(c.deployment.leader_id, []),
            }
        )
    context = {
        "sample": qa_sample,
        "note_rows": [row for row in rows if row["check"].visit_id],
        "evaluation_rows": [row for row in rows if row["check"].evaluation_id],
        "coordinates": coordinates,
        "checked": sum(1 for c in checks if c.outcome),
    }
    return render(request, "quality/sample.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feedback(
    request: AuthenticatedHttpRequest, organisation_id: int, year: str, leader_id: int
) -> HttpResponse:
    organisation = _organisation_to_read(request.user, organisation_id)
    try:
        academic_year = AcademicYear.parse(year)
    except ValueError as bad:
        raise Http404("No such academic year.") from bad
    leader = get_object_or_404(services.leaders_of(organisation.pk, academic_year), pk=leader_id)
    existing = services.feedback_for_coordinator(
        request.user, leader, organisation.pk, academic_year
    )
    coordinates = services.may_coordinate_quality(request.user, organisation.pk)
    initial = (
        {
            "strengths": existing.strengths,
            "areas_to_develop": existing.areas_to_develop,
            "meets_standard": "yes" if existing.meets_standard else "no",
        }
        if existing
        else {}
    )
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not coordinates:
            raise PermissionDenied("Only a coordinator of the broker may do that.")
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: services.save_feedback(
                    user=request.user,
                    leader=leader,
                    organisation=organisation,
                    year=academic_year,
                    strengths=data["strengths"],
                    areas_to_develop=data["areas_to_develop"],
                    meets_standard=data["meets_standard"],
                    share=request.POST.get("do") == "share",
                ),
            )
            if done is not None:
                messages.success(
                    request,
                    "The feedback is shared with the leader."
                    if done.shared_at
                    else "The feedback is saved.",
                )
                return redirect("quality:feedback", organisation.pk, academic_year.label, leader.pk)
    context = {
        "organisation": organisation,
        "year": academic_year,
        "leader": leader,
        "feedback": existing,
        "form": form,
        "coordinates": coordinates,
        "evidence": services.year_evidence(leader, organisation.pk, academic_year),
        "open_concerns": concerns.open_concerns_by_leader(organisation.pk, [leader.pk]).get(
            leader.pk, []
        ),
    }
    return render(request, "quality/feedback.html", context)


@login_required
def my_feedback(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A leader reads their own shared performance feedback."""
    if not LeaderProfile.objects.filter(user=request.user).exists():
        raise PermissionDenied("Only a system leader has performance feedback.")
    return render(
        request,
        "quality/my_feedback.html",
        {"feedback_list": list(services.feedback_for_leader(request.user))},
    )
