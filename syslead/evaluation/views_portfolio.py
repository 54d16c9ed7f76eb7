"""A leader's portfolio and self-evaluations (docs/rules.md, "A leader's portfolio"); the rules
are in ``syslead.evaluation.portfolio``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.evaluation import portfolio
from syslead.evaluation.forms import SelfEvaluationForm
from syslead.leaders.access import leader_for_user
from syslead.leaders.models import LeaderProfile
from syslead.visits.access import deployment_records_for_user


def _portfolio(request: AuthenticatedHttpRequest, leader: LeaderProfile) -> HttpResponse:
    context = {
        "leader": leader,
        "own": leader.user_id == request.user.pk,
        "deployments": list(portfolio.portfolio_deployments(leader)),
    }
    return render(request, "evaluation/portfolio.html", context)


@login_required
def my_portfolio(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in leader's own portfolio (403 to anyone without a leader profile)."""
    leader = LeaderProfile.objects.select_related("user").filter(user=request.user).first()
    if leader is None:
        raise PermissionDenied("Only system leaders have a portfolio.")
    return _portfolio(request, leader)


@login_required
def leader_portfolio(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """A leader's portfolio for their coordinators: 404 for a leader the caller does not see,
    403 for one they see but do not coordinate."""
    leader = leader_for_user(request.user, leader_id)
    if not portfolio.may_read_portfolio(request.user, leader):
        raise PermissionDenied("Only the leader and their coordinators read the portfolio.")
    return _portfolio(request, leader)


@login_required
def self_evaluation(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The leader writes (and later changes) their self-evaluation of one deployment; 404 to
    anyone who may not see the agreement, 403 to everyone else but the leader."""
    deployment, _ = deployment_records_for_user(request.user, deployment_id)
    if not portfolio.may_write_self_evaluation(request.user, deployment):
        raise PermissionDenied("Only the deployment's system leader evaluates their part.")
    existing = portfolio.self_evaluation_of(deployment)
    initial = (
        {
            "went_well": existing.went_well,
            "impact_seen": existing.impact_seen,
            "do_differently": existing.do_differently,
            "contribution": existing.contribution,
        }
        if existing
        else {}
    )
    form = SelfEvaluationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: portfolio.self_evaluation_save(
                actor=request.user,
                deployment=deployment,
                went_well=data["went_well"],
                impact_seen=data["impact_seen"],
                do_differently=data["do_differently"],
                contribution=data["contribution"],
            ),
        )
        if done is not None:
            messages.success(request, "Your self-evaluation is saved in your portfolio.")
            return redirect("evaluation:my_portfolio")
    context = {
        "deployment": deployment,
        "form": form,
        "existing": existing,
        "evaluable": deployment.status in portfolio.SELF_EVALUABLE,
    }
    return render(request, "evaluation/self_evaluation.html", context)
