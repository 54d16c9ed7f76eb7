from typing import Any

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def mark_asked(apps: Any, schema_editor: Any) -> None:
    """A commission already written was asked for when the request's organisation proposed it:
    its proposer coordinated that organisation, or was an administrator."""
    Commission = apps.get_model("brokering", "Commission")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    coordinates_request_org = RoleAssignment.objects.filter(
        user_id=OuterRef("proposed_by_id"),
        role="coordinator",
        organisation_id=OuterRef("support_request__organisation_id"),
    )
    administrator = RoleAssignment.objects.filter(
        user_id=OuterRef("proposed_by_id"), role="administrator"
    )
    Commission.objects.filter(
        Q(Exists(coordinates_request_org))
        | Q(Exists(administrator))
        | Q(proposed_by__is_superuser=True)
    ).update(asked=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("brokering", "0002_allocation_run_solver_details_and_draft_match_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="commission",
            name="asked",
            field=models.BooleanField(
                default=False,
                help_text="Proposed by the request's organisation, asking the leader's "
                "organisation (which then sees the request to answer); false when the leader's "
                "organisation offered the leader in answer to being asked.",
            ),
        ),
        migrations.RunPython(mark_asked, migrations.RunPython.noop),
    ]
