"""The agreement draft as a task list (docs/ux.md, "The agreement draft"): a page a section
(parties, dates and days, aims and objectives, baseline to impact, evaluation, funding, exit),
the task list with each section's status, then "Check your answers" with a Change link per answer,
then the service makes (or changes) the agreement.

The draft lives in the session, under a key naming the request and the leader (or the agreement
being changed): it survives a reload, and a session is one person's, so no draft is seen by anyone
else or mixed with another request's. It is a plain dictionary of the answers (dates as ISO
texts) and the sections completed. Every rule is the services': the check page previews them
through ``deployments.preview`` and links each refusal to the section that asks for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from syslead.brokering.selectors import support_request_for_user
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.deployments import services
from syslead.deployments.costs import Rates
from syslead.deployments.forms import (
    AIM_FIELDS,
    SECTION_BY_SLUG,
    SECTION_OF,
    SECTIONS,
    AgreementForm,
    AmendForm,
    Section,
    SectionForm,
    initial_from_deployment,
    objectives_initial,
    section_objective_formset,
)
from syslead.deployments.models import ChangeKind, Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.preview import AgreementPreview, agreement_preview, refusal_text, rule_name
from syslead.deployments.rules import length_concern
from syslead.deployments.selectors import deployment_for_user
from syslead.deployments.services.common import rates_of_deployment
from syslead.deployments.sip import school_sips
from syslead.deployments.terms import DETAIL_FIELDS, OBJECTIVE_FIELDS
from syslead.deployments.transitions import AGREEMENT
from syslead.deployments.views.common import require_manager
from syslead.deployments.views.drafting import (
    _leader_for,
    _rates_if_same_year,
    _require_creator,
    changed_terms,
    first_meeting_for,
    initial_for_request,
    objectives_from_first_meeting,
)
from syslead.leaders.models import LeaderProfile

SESSION_KEY = "agreement_drafts"
DATE_FIELDS = ("starts_on", "ends_on")

COMPLETED = "Completed"
INCOMPLETE = "Incomplete"
CANNOT_START = "Cannot start yet"


class CheckForm(forms.Form):
    """The one question the check page may ask: why go ahead beyond the leader's capacity."""

    capacity_override_reason = AgreementForm.base_fields["capacity_override_reason"]


class AmendCheckForm(CheckForm):
    """An amendment's check page also asks why the terms change (the parties see the details
    when they are asked to sign the new version)."""

    kind = AmendForm.base_fields["kind"]
    reason = AmendForm.base_fields["reason"]


@dataclass
class Draft:
    """One agreement being drafted (or changed): whose it is, where its pages are, what
    confirming does, and the answers so far (in the session)."""

    request: AuthenticatedHttpRequest
    key: str
    support_request: Any
    leader: LeaderProfile
    heading: str
    confirm_label: str
    done_message: str
    cancel_url: str
    url_name: str
    url_args: list[Any]
    query: dict[str, Any]
    start: Callable[[], dict[str, Any]]
    #: Makes (or changes) the agreement from the terms and the check page's answers (the
    #: capacity override's reason, stripped; an amendment's kind and reason).
    finish: Callable[[dict[str, Any], dict[str, Any]], Deployment]
    deployment: Deployment | None = None
    rates: Callable[[dict[str, Any]], Rates | None] = lambda terms: None
    extra: dict[str, Any] = field(default_factory=dict)
    check_form_class: type[CheckForm] = CheckForm
    intro: str = ""

    # The pages.
    def url(self, page: str = "", *, back_to_check: bool = False) -> str:
        if page == "":
            url = reverse(f"deployments:{self.url_name}", args=self.url_args)
        elif page == "check":
            url = reverse(f"deployments:{self.url_name}_check", args=self.url_args)
        else:
            url = reverse(f"deployments:{self.url_name}_section", args=[*self.url_args, page])
        query = {**self.query, **({"return": "check"} if back_to_check else {})}
        return f"{url}?{urlencode(query)}" if query else url

    @property
    def check_url(self) -> str:
        return self.url("check")

    # The answers.
    @property
    def state(self) -> dict[str, Any]:
        drafts = self.request.session.setdefault(SESSION_KEY, {})
        if self.key not in drafts:
            drafts[self.key] = self.start()
            self.request.session.modified = True
        state: dict[str, Any] = drafts[self.key]
        return state

    def save(self, values: dict[str, Any], done: str) -> None:
        state = self.state
        state["values"].update(values)
        if done not in state["done"]:
            state["done"].append(done)
        self.request.session.modified = True

    def remember_answers(self, answers: dict[str, Any]) -> None:
        """Prefill the check page's questions (an amendment's kind and reason, say)."""
        self.state["check"] = answers
        self.request.session.modified = True

    def forget(self) -> None:
        self.request.session.get(SESSION_KEY, {}).pop(self.key, None)
        self.request.session.modified = True

    @property
    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = self.state["values"]
        return values

    def status(self, section: Section) -> str:
        if any(self.status(SECTION_BY_SLUG[slug]) != COMPLETED for slug in section.needs):
            return CANNOT_START
        if section.slug == "impact" and not self.values.get("objectives"):
            return CANNOT_START
        return COMPLETED if section.slug in self.state["done"] else INCOMPLETE

    def complete(self) -> bool:
        return all(self.status(section) == COMPLETED for section in SECTIONS)

    def terms(self) -> dict[str, Any]:
        """The answers as the services take them (``deployment_create``'s keyword arguments)."""
        values = self.values
        return {
            "starts_on": _date(values.get("starts_on")),
            "ends_on": _date(values.get("ends_on")),
            "full_days": values.get("full_days") or 0,
            "half_days": values.get("half_days") or 0,
            "twilight_sessions": values.get("twilight_sessions") or 0,
            "aims": [a for a in (values.get(n) or "" for n in AIM_FIELDS) if a.strip()],
            "objectives": [
                {**row, "review_on": _date(row.get("review_on"))}
                for row in values.get("objectives", [])
            ],
            "funding_route": values.get("funding_route") or "",
            "length_justification": values.get("length_justification") or "",
            **{name: values.get(name) or "" for name in DETAIL_FIELDS},
        }


def _start_from(deployment: Deployment) -> tuple[Callable[[], dict[str, Any]], str]:
    """A draft of the agreement's terms as they are (every section completed), and a digest of
    them: part of the draft's key, so a draft of older terms is not reused."""
    start = _start(
        initial_from_deployment(deployment),
        objectives_initial(deployment),
        [section.slug for section in SECTIONS],
    )
    now = hashlib.sha256(json.dumps(start(), sort_keys=True, default=str).encode()).hexdigest()
    return start, now[:16]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _start(initial: dict[str, Any], objectives: list[dict[str, Any]], done: list[str]) -> Any:
    def start() -> dict[str, Any]:
        return {
            "values": {
                **{name: _stored(value) for name, value in initial.items()},
                "objectives": [
                    {name: _stored(row.get(name)) or "" for name in OBJECTIVE_FIELDS}
                    for row in objectives
                ],
            },
            "done": list(done),
        }

    return start


# The pages ----------------------------------------------------------------------------------------


def task_list(draft: Draft) -> HttpResponse:
    rows = [
        {
            "section": section,
            "status": draft.status(section),
            "url": draft.url(section.slug),
        }
        for section in SECTIONS
    ]
    context = {"draft": draft, "rows": rows, "complete": draft.complete(), **draft.extra}
    return render(draft.request, "deployments/draft_tasks.html", context)


def _section_initial(draft: Draft, section: Section) -> tuple[dict[str, Any], list[Any]]:
    values = draft.values
    initial = {
        name: _date(values.get(name)) if name in DATE_FIELDS else values.get(name)
        for name in section.fields
    }
    objectives = [
        {**row, "review_on": _date(row.get("review_on"))} for row in values.get("objectives", [])
    ]
    return initial, objectives


def section_page(draft: Draft, slug: str) -> HttpResponse:
    section = SECTION_BY_SLUG.get(slug)
    if section is None:
        raise Http404("No such section of the agreement.")
    request = draft.request
    if draft.status(section) == CANNOT_START:
        messages.info(request, f"{section.title} cannot start yet: write the objectives first.")
        return redirect(draft.url())
    back_to_check = request.GET.get("return") == "check"
    initial, objectives = _section_initial(draft, section)
    data = request.POST if request.method == "POST" else None
    form = SectionForm(data, initial=initial, section=section)
    formset = (
        # Bound, the rows are what was posted (the initial rows would make an unchanged one
        # count as empty).
        section_objective_formset(section, data, initial=objectives if data is None else [])
        if section.objective_columns
        else None
    )
    if "length_justification" in form.fields:
        starts_on, ends_on = (
            _date(draft.values.get("starts_on")),
            _date(draft.values.get("ends_on")),
        )
        form.needs_justification = bool(
            form.needs_justification
            or (starts_on and ends_on and length_concern(starts_on, ends_on))
        )
    if data is not None:
        valid = form.is_valid()
        valid = (formset is None or formset.is_valid()) and valid
        if valid and "length_justification" in form.fields:
            concern = length_concern(form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
            if concern and not (form.cleaned_data.get("length_justification") or "").strip():
                form.needs_justification = True
                form.add_error("length_justification", concern)
                valid = False
        if valid:
            values = {name: _stored(form.cleaned_data.get(name)) for name in section.fields}
            if formset is not None:
                values["objectives"] = _objectives_after(draft, section, formset)
            draft.save(values, section.slug)
            return redirect(draft.url("check") if back_to_check else draft.url())
    context = {
        "draft": draft,
        "section": section,
        "form": form,
        "formset": formset,
        "back_url": draft.url("check") if back_to_check else draft.url(),
        "objective_texts": [row.get("text") for row in objectives],
        **draft.extra,
    }
    return render(request, "deployments/draft_section.html", context)


def _objectives_after(draft: Draft, section: Section, formset: Any) -> list[dict[str, Any]]:
    """The objectives with the section's columns as given (rows by position)."""
    before = draft.values.get("objectives", [])
    rows: list[dict[str, Any]] = []
    writing = "text" in section.objective_columns
    for number, form in enumerate(formset.forms):
        if not writing and number >= len(before):
            break  # the other columns of the objectives written, no new rows
        data = getattr(form, "cleaned_data", {})
        row = dict(before[number]) if number < len(before) else dict.fromkeys(OBJECTIVE_FIELDS, "")
        for name in section.objective_columns:
            row[name] = _stored(data.get(name)) or ""
        if writing and not row["text"].strip():
            continue
        rows.append(row)
    return rows


@dataclass
class Problem:
    message: str
    url: str


def _problems(draft: Draft, exc: ValidationError) -> list[Problem]:
    if not hasattr(exc, "error_dict"):
        return [Problem(message, draft.url()) for message in exc.messages]
    return [
        Problem(message, draft.url(SECTION_OF.get(name, ""), back_to_check=True))
        for name, messages_ in exc.message_dict.items()
        for message in messages_
    ]


def check_page(draft: Draft) -> HttpResponse:
    request = draft.request
    if not draft.complete():
        messages.info(request, "Complete every section before you check your answers.")
        return redirect(draft.url())
    terms = draft.terms()
    override_before = draft.deployment.capacity_override_reason if draft.deployment else ""
    form = draft.check_form_class(
        request.POST if request.method == "POST" else None,
        initial={"capacity_override_reason": override_before, **draft.state.get("check", {})},
    )
    problems: list[Problem] = []
    preview: AgreementPreview | None = None
    try:
        preview = agreement_preview(
            support_request=draft.support_request,
            leader=draft.leader,
            terms=terms,
            deployment=draft.deployment,
            rates=draft.rates(terms),
        )
    except ValidationError as exc:
        problems = _problems(draft, exc)
    if preview is not None:
        if preview.length_concern and not preview.terms.length_justification:
            problems.append(Problem(preview.length_concern, draft.url("dates", back_to_check=True)))
        problems += [Problem(refusal_text(r), draft.url()) for r in preview.refusals]
    if request.method == "POST" and form.is_valid() and preview is not None and not problems:
        override = (form.cleaned_data.get("capacity_override_reason") or "").strip()
        if preview.capacity_shortfall and not override:
            form.add_error(
                "capacity_override_reason",
                f"{preview.capacity_shortfall} (Rule: {rule_name('capacity')}.) To go ahead "
                "anyway, record your reason; otherwise change the days.",
            )
        else:
            try:
                made = draft.finish(
                    terms, {**form.cleaned_data, "capacity_override_reason": override}
                )
            except NotAllowed as refusal:
                raise PermissionDenied(refusal.message) from refusal
            except RuleViolation as refusal:
                problems.append(Problem(refusal_text(refusal), draft.url()))
            except ValidationError as exc:
                problems += _problems(draft, exc)
            else:
                draft.forget()
                messages.success(request, draft.done_message)
                return redirect("deployments:detail", made.pk)
    context = {
        "draft": draft,
        "preview": preview,
        "problems": problems,
        "form": form,
        "answers": _answers(draft),
        "terms": preview.terms if preview else None,
        **draft.extra,
    }
    return render(request, "deployments/draft_check.html", context)


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if name in DATE_FIELDS:
        date = _date(value)
        return f"{date.day} {date:%B %Y}" if date else ""
    if name == "funding_route":
        return str(dict(FundingRoute.choices).get(value, value))
    return str(value)


def _answers(draft: Draft) -> list[dict[str, Any]]:
    """Every answer, by section, with the page that changes it."""
    values = draft.values
    fields = AgreementForm.base_fields
    sections = []
    for section in SECTIONS:
        url = draft.url(section.slug, back_to_check=True)
        rows = [
            {"key": fields[name].label, "value": _shown(name, values.get(name)), "url": url}
            for name in section.fields
            if name != "length_justification" or values.get(name)
        ]
        for number, row in enumerate(values.get("objectives", []), start=1):
            if "text" in section.objective_columns:
                review = _shown("starts_on", row.get("review_on"))
                value = "\n".join(
                    part
                    for part in (
                        row.get("text", ""),
                        f"Intended outcome: {row['outcome']}" if row.get("outcome") else "",
                        f"To be reviewed by: {review}" if review else "",
                    )
                    if part
                )
                rows.append({"key": f"Objective {number}", "value": value, "url": url})
            elif section.objective_columns:
                value = "\n".join(
                    f"{label}: {row.get(name) or 'Not given'}"
                    for name, label in (
                        ("baseline", "Baseline measure"),
                        ("actions", "Actions"),
                        ("improvement", "Improvement"),
                        ("impact", "Impact"),
                    )
                )
                rows.append({"key": f"Objective {number}", "value": value, "url": url})
        sections.append({"section": section, "rows": rows})
    return sections


def draft_page(draft: Draft, page: str) -> HttpResponse:
    if page == "":
        return task_list(draft)
    if page == "check":
        return check_page(draft)
    return section_page(draft, page)


# Making an agreement, and changing one waiting for signatures -------------------------------------


def _create_draft(request: AuthenticatedHttpRequest, request_id: int) -> Draft | HttpResponse:
    support_request = support_request_for_user(request.user, request_id)
    _require_creator(request.user, support_request)
    leader = _leader_for(support_request, request.GET.get("leader"))
    if leader is None:
        return redirect("deployments:choose_leader", support_request.pk)

    def finish(terms: dict[str, Any], answers: dict[str, Any]) -> Deployment:
        return services.deployment_create(
            actor=request.user,
            support_request=support_request,
            leader=leader,
            capacity_override_reason=answers["capacity_override_reason"],
            send_for_signature=False,
            **terms,
        )

    return Draft(
        request=request,
        key=f"new:{support_request.pk}:{leader.pk}",
        support_request=support_request,
        leader=leader,
        heading="Draft the agreement",
        confirm_label="Make the draft agreement",
        done_message="Draft agreement made: check it, then send it for signature. Nobody has "
        "been asked to sign yet.",
        cancel_url=reverse("brokering:detail", args=[support_request.pk]),
        url_name="create",
        url_args=[support_request.pk],
        query={"leader": leader.pk},
        start=_start(
            initial_for_request(support_request, leader),
            objectives_from_first_meeting(support_request, leader),
            [],
        ),
        finish=finish,
        extra={
            "change_leader_url": reverse("deployments:choose_leader", args=[support_request.pk]),
            "first_meeting": first_meeting_for(support_request, leader),
        },
    )


@login_required
def agreement_create(
    request: AuthenticatedHttpRequest, request_id: int, section: str = ""
) -> HttpResponse:
    """Draft the agreement for a request and a leader (the request's chosen leader unless another
    is named), section by section; check it; make it: the four parties are asked to sign."""
    draft = _create_draft(request, request_id)
    if isinstance(draft, HttpResponse):
        return draft
    return draft_page(draft, section)


@login_required
def agreement_create_check(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return agreement_create(request, request_id, "check")


@login_required
def agreement_edit(
    request: AuthenticatedHttpRequest, deployment_id: int, section: str = ""
) -> HttpResponse:
    """Change the terms of an agreement still waiting for signatures (a coordinator), section by
    section; the signatures given are withdrawn and everyone signs again."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if not AGREEMENT.in_source("update", deployment):
        messages.info(
            request,
            f"The agreement is {deployment.get_status_display().lower()}: its terms can only "
            "change while it is a draft or waits for signatures. Record a change to amend a "
            "signed one.",
        )
        return redirect("deployments:detail", deployment.pk)

    is_draft = deployment.status == DeploymentStatus.DRAFT

    def finish(terms: dict[str, Any], answers: dict[str, Any]) -> Deployment:
        return services.deployment_update(
            actor=request.user,
            deployment=deployment,
            capacity_override_reason=answers["capacity_override_reason"],
            **terms,
        )

    start, now = _start_from(deployment)
    draft = Draft(
        request=request,
        key=f"edit:{deployment.pk}:{now}",
        support_request=deployment.support_request,
        leader=deployment.leader,
        heading="Change the terms of the agreement",
        confirm_label="Save the new terms"
        if is_draft
        else "Save the new terms and ask the parties to sign again",
        done_message="Terms changed: check the draft, then send it for signature."
        if is_draft
        else "Terms changed: the parties have been asked to sign again.",
        cancel_url=reverse("deployments:detail", args=[deployment.pk]),
        url_name="edit",
        url_args=[deployment.pk],
        query={},
        start=start,
        finish=finish,
        deployment=deployment,
        rates=_rates_if_same_year(deployment),
        extra={"deployment": deployment},
        intro=(
            "Change the sections you need, then check your answers. The draft stays a draft "
            "until you send it for signature"
            + (": the SIP is asked to agree the new terms." if school_sips(deployment) else ".")
            if is_draft
            else "Change the sections you need, then check your answers. The signatures given "
            "are withdrawn and everyone signs again."
        ),
    )
    return draft_page(draft, section)


@login_required
def agreement_edit_check(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    return agreement_edit(request, deployment_id, "check")


# Amending a signed agreement ----------------------------------------------------------------------


@login_required
def agreement_amend(
    request: AuthenticatedHttpRequest, deployment_id: int, section: str = ""
) -> HttpResponse:
    """Amend a signed agreement (a coordinator) through the same sections and check page as a
    draft: prefilled from the agreement, the check page asks why the terms change, then
    ``deployment_amend`` makes a new version with the changed terms that all four parties sign
    again; the old version is superseded (docs/ux.md, "The agreement draft")."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if not AGREEMENT.in_source("amend", deployment):
        messages.info(
            request,
            f"The agreement is {deployment.get_status_display().lower()}: only an active or "
            "paused agreement is amended.",
        )
        return redirect("deployments:detail", deployment.pk)

    def finish(terms: dict[str, Any], answers: dict[str, Any]) -> Deployment:
        return services.deployment_amend(
            actor=request.user,
            deployment=deployment,
            reason=answers["reason"],
            kind=answers["kind"],
            capacity_override_reason=answers["capacity_override_reason"],
            **changed_terms(deployment, terms),
        )

    start, now = _start_from(deployment)
    version = deployment.version + 1
    draft = Draft(
        request=request,
        key=f"amend:{deployment.pk}:{now}",
        support_request=deployment.support_request,
        leader=deployment.leader,
        heading=f"Amend the agreement: version {version}",
        confirm_label=f"Make version {version} and ask the parties to sign it",
        done_message="Amended: the four parties have been asked to sign the new version.",
        cancel_url=reverse("deployments:detail", args=[deployment.pk]),
        url_name="amend",
        url_args=[deployment.pk],
        query={},
        start=start,
        finish=finish,
        deployment=deployment,
        rates=lambda terms: rates_of_deployment(deployment),
        extra={"deployment": deployment},
        check_form_class=AmendCheckForm,
        intro=(
            f"Change the sections you need, then check your answers and say why the terms "
            f"change. Version {version} is made with the new terms and the four parties are "
            f"asked to sign it; version {deployment.version} is superseded."
        ),
    )
    # "Record a change" sends the kind of change and its details along: the check page asks them.
    if "kind" in request.GET or "reason" in request.GET:
        kind = request.GET.get("kind", "")
        draft.remember_answers(
            {
                "kind": kind if kind in ChangeKind.values else ChangeKind.OTHER,
                "reason": request.GET.get("reason", "")[:TEXT_MAX_LENGTH],
            }
        )
    return draft_page(draft, section)


@login_required
def agreement_amend_check(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    return agreement_amend(request, deployment_id, "check")
