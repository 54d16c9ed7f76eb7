"""The order in which the demo is built. Each step is idempotent: running ``load_demo`` again
creates only what is missing. A later area adds its step at the end of ``build_demo``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from syslead.demo.alliance import DemoAlliance, build_alliance
from syslead.demo.casework import DemoCasework, build_casework
from syslead.demo.governance import DemoGovernance, build_governance
from syslead.demo.leaders import DemoLeaders, build_leaders
from syslead.demo.organisations import DemoOrganisations, build_organisations
from syslead.demo.people import DemoPeople, build_people, ensure_administrator
from syslead.organisations.services import known_brokers_load
from syslead.schools.models import School
from syslead.schools.services import schools_load_register


@dataclass(frozen=True)
class DemoBuild:
    register_summary: str
    organisations: DemoOrganisations
    people: DemoPeople
    leaders: DemoLeaders | None = None
    casework: DemoCasework | None = None
    alliance: DemoAlliance | None = None
    governance: DemoGovernance | None = None


#: The demo's people are made up: what the services would e-mail them is not queued (their
#: in-app inboxes are filled as usual). The services queue e-mails when the build's transaction
#: commits, so the whole build, commit included, runs with background tasks going nowhere.
NO_EMAILS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
)


def build_demo(*, data_dir: Path | None = None, load_register: bool = True) -> DemoBuild:
    """Load the school register and the lists of brokers, then the brokers and people on it,
    their leaders, the casework, and the alliance's members, board, training invitations and
    annual report."""
    directory = Path(data_dir if data_dir is not None else settings.SYSLEAD_DATA_DIR)
    if load_register:
        register_summary = schools_load_register(data_dir=directory).summary()
    else:
        register_summary = f"Register not reloaded ({School.objects.count():,} schools held)."
    register_summary += "\n" + known_brokers_load(data_dir=directory).summary()
    with NO_EMAILS, transaction.atomic():
        administrator = ensure_administrator()
        organisations = build_organisations(actor=administrator, data_dir=directory)
        people = build_people(administrator=administrator, organisations=organisations)
        leaders = build_leaders(
            administrator=administrator, organisations=organisations, people=people
        )
        casework = build_casework(
            administrator=administrator, organisations=organisations, people=people
        )
        alliance = build_alliance(organisations=organisations, people=people)
        governance = build_governance(organisations=organisations, people=people)
    return DemoBuild(
        register_summary, organisations, people, leaders, casework, alliance, governance
    )
