"""An organisation's own specialisms and designation types, beside the built-in ones (docs/api.md,
Vocabularies; docs/rules.md: "A broker may define its own designation types")."""

from __future__ import annotations

from django.db import transaction

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, field_error
from syslead.leaders.models import (
    DesignationType,
    Specialism,
)
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.services._helpers import (
    require_text,
)
from syslead.organisations.models import Organisation


@transaction.atomic
def specialism_create(
    *, actor: User, organisation: Organisation, code: str, label: str
) -> Specialism:
    """An organisation adds its own specialism: a coordinator of that organisation. Its code may not
    repeat a built-in one or one the organisation already has."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may add its specialisms.")
    errors = FieldErrors()
    code = require_text(code, "code", "Enter a short code, like outdoor_learning.", errors).lower()
    label = require_text(label, "label", "Enter the specialism's name.", errors)
    if code and Specialism.objects.filter(code=code, organisation__isnull=True).exists():
        errors.setdefault("code", []).append(f"'{code}' is already a built-in specialism.")
    elif code and Specialism.objects.filter(code=code, organisation=organisation).exists():
        errors.setdefault("code", []).append(f"{organisation.name} already has '{code}'.")
    errors.raise_if_any()
    specialism = Specialism(code=code, label=label, organisation=organisation)
    specialism.full_clean()
    specialism.save()
    event_record(
        actor=actor,
        subject=specialism,
        verb="specialism.created",
        summary=f"{organisation.name} added the specialism {label}",
        data={"code": code, "label": label, "organisation": organisation.pk},
    )
    return specialism


@transaction.atomic
def designation_type_create(
    *,
    actor: User,
    organisation: Organisation,
    code: str,
    name: str,
    criteria: str = "",
    min_years_experience: int = 0,
    requires_headteacher: bool = False,
    excludes_headteacher: bool = False,
    requires_good_or_outstanding_school: bool = False,
    is_exclusive: bool = False,
    requires_annual_training: bool = False,
) -> DesignationType:
    """A broker defines its own designation type (hubs, LAs and trusts run their own): a
    coordinator of that organisation. Its code may not repeat a built-in one (SLE, LLE, NLE,
    NLG)."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may add designation types.")
    errors = FieldErrors()
    code = require_text(code, "code", "Enter a short code, like MLE.", errors)
    name = require_text(name, "name", "Enter the designation's name.", errors)
    if (
        code
        and DesignationType.objects.filter(code__iexact=code, organisation__isnull=True).exists()
    ):
        errors.setdefault("code", []).append(f"'{code}' is a built-in designation type.")
    elif (
        code
        and DesignationType.objects.filter(code__iexact=code, organisation=organisation).exists()
    ):
        errors.setdefault("code", []).append(f"{organisation.name} already has '{code}'.")
    if requires_headteacher and excludes_headteacher:
        errors.setdefault("excludes_headteacher", []).append(
            "A type cannot both require and exclude headteachers."
        )
    if min_years_experience < 0:
        errors.setdefault("min_years_experience", []).append("Give 0 or more years.")
    errors.raise_if_any()
    designation_type = DesignationType(
        code=code,
        name=name,
        organisation=organisation,
        criteria=(criteria or "").strip(),
        min_years_experience=min_years_experience,
        requires_headteacher=requires_headteacher,
        excludes_headteacher=excludes_headteacher,
        requires_good_or_outstanding_school=requires_good_or_outstanding_school,
        is_exclusive=is_exclusive,
        requires_annual_training=requires_annual_training,
    )
    designation_type.full_clean()
    designation_type.save()
    event_record(
        actor=actor,
        subject=designation_type,
        verb="designation_type.created",
        summary=f"{organisation.name} added the designation type {code}",
        data={"code": code, "name": name, "organisation": organisation.pk},
    )
    return designation_type


def designation_type_for_code(code: str, organisation: Organisation | None) -> DesignationType:
    """The type a code names for an organisation: its own type of that code, else the built-in one;
    ValidationError on ``type`` when there is none."""
    text = (code or "").strip()
    candidates = DesignationType.objects.filter(code__iexact=text)
    if organisation is not None:
        own = candidates.filter(organisation=organisation).first()
        if own is not None:
            return own
    builtin = candidates.filter(organisation__isnull=True).first()
    if builtin is None:
        raise field_error(
            "type",
            f"Unknown designation type '{code}': use SLE, LLE, NLE, NLG or one of the "
            "organisation's own.",
        )
    return builtin
