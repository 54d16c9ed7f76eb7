"""The final report's transition table (docs/transitions.md: The final report): every row is
reachable through a service and records its event; a step from a state the row does not list is
refused with its rule; the page asks the table what the person may do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.exceptions import RuleViolation
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.evaluation import services
from syslead.evaluation.models import FinalReport, FinalReportStatus
from syslead.evaluation.transitions import FINAL_REPORT

S = FinalReportStatus
People = dict[str, User]


def _save(p: People, r: FinalReport) -> FinalReport:
    return services.final_report_save(
        actor=p["leader"], deployment=r.deployment, work_summary="Coaching", impact="Up 12"
    )


#: Each row: a state it starts from, and the service call taking it.
REACH: dict[str, tuple[str, Callable[[People, FinalReport], Any]]] = {
    "save": (S.RETURNED, _save),
    "submit": (S.DRAFT, lambda p, r: services.final_report_submit(actor=p["leader"], report=r)),
    "approve": (
        S.AWAITING_QA,
        lambda p, r: services.final_report_approve(actor=p["coordinator"], report=r),
    ),
    "return": (
        S.AWAITING_QA,
        lambda p, r: services.final_report_return(
            actor=p["coordinator"], report=r, comments="More evidence"
        ),
    ),
}


@pytest.fixture
def people(leader_user: User, coordinator: User) -> People:
    return {"leader": leader_user, "coordinator": coordinator}


def _report(deployment: Deployment, status: str, author: User) -> FinalReport:
    return FinalReport.objects.create(
        deployment=deployment, author=author, status=status, work_summary="W", impact="I"
    )


def test_every_row_of_the_final_report_table_has_a_service_that_takes_it() -> None:
    assert set(REACH) == {row.name for row in FINAL_REPORT}


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_final_report_transition_is_reached_through_its_service_and_records_its_event(
    name: str, people: People, deployment: Deployment
) -> None:
    start, call = REACH[name]
    call(people, _report(deployment, start, people["leader"]))
    row = FINAL_REPORT[name]
    assert FinalReport.objects.get().status == (row.target or start)
    assert Event.objects.filter(verb=row.records).count() == 1


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_final_report_transition_from_a_state_it_does_not_list_is_refused_with_its_rule(
    name: str, people: People, deployment: Deployment
) -> None:
    row = FINAL_REPORT[name]
    for wrong in sorted(set(S.values) - row.sources):
        FinalReport.objects.all().delete()
        with pytest.raises(RuleViolation) as refused:
            REACH[name][1](people, _report(deployment, wrong, people["leader"]))
        assert refused.value.rule == row.rule
        assert str(refused.value)
        assert FinalReport.objects.get().status == wrong
    assert not Event.objects.filter(verb=row.records).exists()


def test_the_final_report_page_asks_the_table(
    people: People, deployment: Deployment, client: Client
) -> None:
    report = _report(deployment, S.AWAITING_QA, people["leader"])
    url = reverse("evaluation:final_report", args=[deployment.pk])
    client.force_login(people["coordinator"])
    assert client.get(url).context["may_qa"] is True
    client.force_login(people["leader"])
    response = client.get(url)
    assert (response.context["may_qa"], response.context["editable"]) == (False, False)
    FinalReport.objects.filter(pk=report.pk).update(status=S.RETURNED)
    assert client.get(url).context["editable"] is True


def test_docs_transitions_shows_the_final_report_table_as_the_code_has_it() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "transitions.md").read_text()
    assert FINAL_REPORT.as_markdown() in text
