"""The agreement as a document laid out like the paper forms it replaces (docs/ux.md: "Every form
and record downloads as a PDF laid out like the paper form"): the contract
between partner schools and the broker (home and supported school details, deployment, aims,
objectives, costs), its school-to-school support agreement (the baseline → actions → improvement →
impact table, monitoring, changes to the agreement) and a local authority's support agreement
(evaluation, exit and funding arrangements), then the signature record (docs/rules.md: Deployment
agreement).

``agreement_document`` is what both the agreement page and the PDF show; ``agreement_html`` renders
the printable page and ``agreement_pdf`` turns it into a PDF with WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from syslead.deployments.costs import CostLine
from syslead.deployments.models import Deployment, Objective
from syslead.deployments.parties import leader_is_home_headteacher
from syslead.deployments.selectors import (
    SignatureRow,
    commissioner_of,
    cost_breakdown_of,
    objectives_of,
    signature_rows,
)

#: When an agreement may change (docs/rules.md: Deployment agreement: a leader leaves their school,
#: cannot continue, or is not making enough impact), in the order the paper form lists them.
CHANGE_CIRCUMSTANCES: tuple[str, ...] = (
    "Where a system leader leaves the school",
    "Where a system leader cannot provide outreach",
    "Where the work of the system leader is not making sufficient impact",
)


@dataclass(frozen=True)
class AgreementDocument:
    """The agreement's content as the paper forms set it out."""

    deployment: Deployment
    title: str
    objectives: list[Objective]
    cost_lines: list[CostLine]
    commissioner: str
    signatures: list[SignatureRow]
    chair_signs: bool
    change_circumstances: tuple[str, ...] = CHANGE_CIRCUMSTANCES

    @property
    def has_impact_table(self) -> bool:
        return any(o.baseline or o.actions or o.improvement or o.impact for o in self.objectives)

    @property
    def any_signed(self) -> bool:
        return any(row.signed for row in self.signatures)

    @property
    def all_signed(self) -> bool:
        return all(row.signed for row in self.signatures)


def agreement_title(deployment: Deployment) -> str:
    return (
        f"System leader deployment: contract between partner schools and "
        f"{deployment.organisation.name} {deployment.academic_year}"
    )


def agreement_document(deployment: Deployment) -> AgreementDocument:
    """Everything the agreement page and the PDF print of the agreement."""
    return AgreementDocument(
        deployment=deployment,
        title=agreement_title(deployment),
        objectives=objectives_of(deployment),
        cost_lines=cost_breakdown_of(deployment),
        commissioner=commissioner_of(deployment),
        signatures=signature_rows(deployment),
        chair_signs=leader_is_home_headteacher(deployment),
    )


def agreement_context(deployment: Deployment) -> dict[str, Any]:
    return {
        "deployment": deployment,
        "document": agreement_document(deployment),
        "generated_at": timezone.now(),
    }


def agreement_html(deployment: Deployment) -> str:
    """The printable agreement (the PDF's source)."""
    return render_to_string("deployments/agreement_pdf.html", agreement_context(deployment))


def agreement_pdf(deployment: Deployment) -> bytes:
    """The agreement as a PDF (WeasyPrint, imported here: it is slow to load)."""
    from weasyprint import HTML

    pdf = HTML(string=agreement_html(deployment)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def agreement_filename(deployment: Deployment) -> str:
    school = slugify(deployment.client_school.name)[:60].strip("-")
    return f"agreement-{deployment.pk}-v{deployment.version}-{school}.pdf"
