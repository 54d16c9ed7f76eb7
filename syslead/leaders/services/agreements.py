"""The broker's agreement and code of conduct with its associated leaders: publishing a version,
signing it, naming each leader's contact at the broker, and reminding those who have not signed
(docs/rules.md, "The broker's agreement and code of conduct")."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.leaders.models import AgreementSignature, Association, BrokerAgreement, LeaderProfile
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.selectors.agreements import broker_staff, current_agreement
from syslead.leaders.services._helpers import require_text
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation

#: The most text a version of an agreement may hold: the common limit for long text.
AGREEMENT_MAX_LENGTH = TEXT_MAX_LENGTH


@transaction.atomic
def agreement_publish(
    *, actor: User, organisation: Organisation, title: str, text: str
) -> BrokerAgreement:
    """Publish a new version of the broker's agreement and code of conduct: a coordinator of the
    organisation. It becomes the current version at once; every associated leader must sign it
    (signatures of earlier versions no longer count)."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may publish its agreement.")
    errors = FieldErrors()
    title = require_text(title, "title", "Give the agreement a title.", errors)
    text = require_text(
        text, "text", "Enter the text of the agreement and code of conduct.", errors
    )
    if len(title) > 200:
        errors.add("title", "The title must be 200 characters or fewer.")
    if len(text) > AGREEMENT_MAX_LENGTH:
        errors.add("text", f"The text must be {AGREEMENT_MAX_LENGTH:,} characters or fewer.")
    errors.raise_if_any()
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    latest = BrokerAgreement.objects.filter(organisation=organisation).aggregate(v=Max("version"))
    agreement = BrokerAgreement(
        organisation=organisation,
        version=(latest["v"] or 0) + 1,
        title=title,
        text=text,
        published_at=timezone.now(),
        published_by=actor,
    )
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        raise RuleViolation(
            "Another version was published at the same moment; reload the page and try again.",
            rule="agreement_version_taken",
        ) from None
    event_record(
        actor=actor,
        subject=agreement,
        verb="agreement.published",
        summary=f"{organisation.name} published version {agreement.version} of {title}",
        data={"organisation": organisation.pk, "version": agreement.version},
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *, actor: User, agreement: BrokerAgreement, signed_name: str, confirmed: bool
) -> AgreementSignature:
    """The leader signs the current version of the agreement of a broker they are associated
    with, from their own pages: their name typed and the confirmation ticked."""
    leader = LeaderProfile.objects.filter(user=actor).first()
    if leader is None:
        raise NotAllowed("Only a system leader signs their broker's agreement.")
    if not Association.objects.filter(
        leader=leader, organisation_id=agreement.organisation_id, is_live=True
    ).exists():
        raise NotAllowed("Only a leader associated with the organisation signs its agreement.")
    errors = FieldErrors()
    name = require_text(signed_name, "signed_name", "Type your full name to sign.", errors)
    if len(name) > 150:
        errors.add("signed_name", "Your name must be 150 characters or fewer.")
    if not confirmed:
        errors.add(
            "confirmed",
            "Confirm that you have read the agreement and code of conduct and agree to them.",
        )
    errors.raise_if_any()
    current = current_agreement(agreement.organisation_id)
    if current is None or current.pk != agreement.pk:
        raise RuleViolation(
            f"Version {agreement.version} is no longer the current agreement: sign the current "
            "version instead.",
            rule="agreement_not_current",
        )
    existing = AgreementSignature.objects.filter(agreement=agreement, leader=leader).first()
    if existing is not None:
        raise RuleViolation(
            f"You signed version {agreement.version} on {existing.signed_at:%d %B %Y}.",
            rule="agreement_already_signed",
        )
    signature = AgreementSignature(
        agreement=agreement,
        leader=leader,
        signed_name=name,
        signed_at=timezone.now(),
        signed_by=actor,
    )
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise RuleViolation(
            f"You have already signed version {agreement.version}.",
            rule="agreement_already_signed",
        ) from None
    event_record(
        actor=actor,
        subject=signature,
        verb="agreement.signed",
        summary=f"{leader.name} signed version {agreement.version} of {agreement.title}",
        data={"agreement": agreement.pk, "version": agreement.version, "leader": leader.pk},
    )
    return signature


@transaction.atomic
def association_contact_set(
    *, actor: User, association: Association, contact: User | None
) -> Association:
    """Name the leader's contact at the broker: a coordinator of the organisation; the contact is
    one of its coordinators or broker leads."""
    association = (
        Association.objects.select_for_update(of=("self",))
        .select_related("leader__user", "organisation")
        .get(pk=association.pk)
    )
    if not may_coordinate(actor, association.organisation):
        raise NotAllowed(
            f"Only coordinators of {association.organisation.name} may name a contact."
        )
    if contact is None:
        raise field_error("contact", "Choose the leader's contact at the organisation.")
    if not broker_staff(association.organisation_id).filter(pk=contact.pk).exists():
        raise field_error(
            "contact",
            f"The contact must be a coordinator or broker lead of {association.organisation.name}.",
        )
    if not association.is_live:
        raise RuleViolation("Only a live association has a contact.", rule="association_state")
    association.contact = contact
    association.save(update_fields=["contact"])
    event_record(
        actor=actor,
        subject=association,
        verb="association.contact_named",
        summary=f"{contact.get_full_name()} is {association.leader.name}'s contact at "
        f"{association.organisation.name}",
        data={"contact": contact.pk},
    )
    return association


@transaction.atomic
def agreement_remind(*, actor: User, association: Association) -> BrokerAgreement:
    """Remind an associated leader who has not signed the broker's current agreement (inbox and
    e-mail): a coordinator of the organisation."""
    association = Association.objects.select_related("leader__user", "organisation").get(
        pk=association.pk
    )
    organisation = association.organisation
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may send reminders.")
    agreement = current_agreement(organisation.pk)
    if agreement is None:
        raise RuleViolation(
            f"{organisation.name} has not published an agreement yet.", rule="no_agreement"
        )
    if not association.is_live:
        raise RuleViolation("The association has ended.", rule="association_state")
    leader = association.leader
    if AgreementSignature.objects.filter(agreement=agreement, leader=leader).exists():
        raise RuleViolation(
            f"{leader.name} has already signed version {agreement.version}.",
            rule="agreement_already_signed",
        )
    if not leader.user.is_active:
        raise RuleViolation(
            f"{leader.name}'s account is closed, so they cannot sign.",
            rule="leader_account_closed",
        )
    notify(
        users=[leader.user],
        verb="agreement.reminder",
        text=f"Sign {organisation.name}'s agreement and code of conduct (version "
        f"{agreement.version}): until you do, you cannot be deployed for {organisation.name}.",
        url=reverse("leaders:agreement_sign", args=[agreement.pk]),
        subject=f"Sign {organisation.name}'s agreement",
        detail=f"As a leader associated with {organisation.name} you sign its agreement and "
        f'code of conduct, "{agreement.title}". Read it and sign it on Syslead.',
    )
    event_record(
        actor=actor,
        subject=association,
        verb="agreement.reminder_sent",
        summary=f"{leader.name} reminded to sign version {agreement.version} of {agreement.title}",
        data={"agreement": agreement.pk},
    )
    return agreement
