"""The rule for who may create which people (docs/access.md), and tokens."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import ApiToken, Role, RoleAssignment, User
from syslead.accounts.services import (
    RoleSpec,
    api_token_issue,
    role_grant,
    role_grant_allowed,
    role_revoke,
    user_create,
)
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _roles(user: User) -> set[tuple[str, int | None, int | None]]:
    return {(a.role, a.organisation_id, a.school_id) for a in user.role_assignments.all()}


def test_administrator_creates_a_user_with_roles_in_any_organisation_and_school(
    administrator: User, alliance: Organisation, other_org: Organisation, client_school: School
) -> None:
    user = user_create(
        actor=administrator,
        email="  New.Person@Example.ORG ",
        name=" New Person ",
        roles=[
            RoleSpec(Role.COORDINATOR, organisation_id=alliance.pk),
            RoleSpec(Role.SIP, organisation_id=other_org.pk),
            RoleSpec(Role.HEADTEACHER, school_urn=client_school.urn),
            RoleSpec(Role.ADMINISTRATOR),
        ],
    )
    assert user.email == "new.person@example.org"
    assert user.name == "New Person"
    assert not user.has_usable_password()
    assert _roles(user) == {
        (Role.COORDINATOR, alliance.pk, None),
        (Role.SIP, other_org.pk, None),
        (Role.HEADTEACHER, None, client_school.urn),
        (Role.ADMINISTRATOR, None, None),
    }


def test_creating_a_user_records_the_creation_and_each_role_granted(
    administrator: User, alliance: Organisation
) -> None:
    user = user_create(
        actor=administrator,
        email="bo@kyra.test",
        name="Bo",
        roles=[RoleSpec(Role.BROKER_LEAD, organisation_id=alliance.pk)],
    )
    verbs = list(
        Event.objects.filter(subject_id=str(user.pk), actor=administrator).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["user.created", "role.granted"]


def test_coordinator_creates_people_for_its_own_organisation(
    coordinator: User, alliance: Organisation
) -> None:
    user = user_create(
        actor=coordinator,
        email="team@kyra.test",
        name="Team Member",
        roles=[
            RoleSpec(Role.COORDINATOR, organisation_id=alliance.pk),
            RoleSpec(Role.BROKER_LEAD, organisation_id=alliance.pk),
            RoleSpec(Role.SIP, organisation_id=alliance.pk),
        ],
    )
    assert len(_roles(user)) == 3


def test_coordinator_creates_system_leaders_and_headteachers_of_schools(
    coordinator: User, client_school: School
) -> None:
    leader = user_create(
        actor=coordinator, email="sle@x.test", name="Sal", roles=[RoleSpec(Role.SYSTEM_LEADER)]
    )
    head = user_create(
        actor=coordinator,
        email="head@x.test",
        name="Hana",
        roles=[RoleSpec(Role.HEADTEACHER, school_urn=client_school.urn)],
    )
    assert _roles(leader) == {(Role.SYSTEM_LEADER, None, None)}
    assert _roles(head) == {(Role.HEADTEACHER, None, client_school.urn)}


def test_coordinator_cannot_create_a_user_in_another_organisation(
    coordinator: User, other_org: Organisation
) -> None:
    with pytest.raises(NotAllowed, match="Coordinator of organisation"):
        user_create(
            actor=coordinator,
            email="spy@x.test",
            name="Spy",
            roles=[RoleSpec(Role.COORDINATOR, organisation_id=other_org.pk)],
        )
    assert not User.objects.filter(email="spy@x.test").exists()


def test_coordinator_cannot_create_an_administrator(coordinator: User) -> None:
    with pytest.raises(NotAllowed):
        user_create(
            actor=coordinator,
            email="boss@x.test",
            name="Boss",
            roles=[RoleSpec(Role.ADMINISTRATOR)],
        )


def test_coordinator_cannot_create_a_user_without_any_role(coordinator: User) -> None:
    with pytest.raises(NotAllowed):
        user_create(actor=coordinator, email="nobody@x.test", name="Nobody", roles=[])


def test_administrator_may_create_a_user_without_roles(administrator: User) -> None:
    user = user_create(actor=administrator, email="plain@x.test", name="Plain", roles=[])
    assert _roles(user) == set()


@pytest.mark.parametrize(
    "persona", ["broker_lead", "sip", "leader_user", "client_head", "stranger"]
)
def test_only_administrators_and_coordinators_create_users(
    persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        user_create(
            actor=actor, email="new@x.test", name="New", roles=[RoleSpec(Role.SYSTEM_LEADER)]
        )


def test_one_refused_role_creates_nothing(coordinator: User, alliance: Organisation) -> None:
    with pytest.raises(NotAllowed):
        user_create(
            actor=coordinator,
            email="half@x.test",
            name="Half",
            roles=[
                RoleSpec(Role.SIP, organisation_id=alliance.pk),
                RoleSpec(Role.ADMINISTRATOR),
            ],
        )
    assert not User.objects.filter(email="half@x.test").exists()
    assert not Event.objects.filter(verb="user.created").exists()


def test_one_invalid_role_creates_nothing(administrator: User, alliance: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(
            actor=administrator,
            email="half@x.test",
            name="Half",
            roles=[
                RoleSpec(Role.SIP, organisation_id=alliance.pk),
                RoleSpec(Role.HEADTEACHER, school_urn=999999),
            ],
        )
    assert caught.value.message_dict == {"roles": ["There is no school with URN 999999."]}
    assert not User.objects.filter(email="half@x.test").exists()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (RoleSpec(Role.COORDINATOR), "The coordinator role needs an organisation."),
        (RoleSpec(Role.SIP), "The school improvement partner role needs an organisation."),
        (RoleSpec(Role.HEADTEACHER), "The headteacher role needs a school (its URN)."),
        (RoleSpec(Role.BROKER_LEAD, organisation_id=987654), "There is no organisation with id"),
        (RoleSpec("king"), "'king' is not a role."),
        (RoleSpec(Role.SYSTEM_LEADER, school_urn=120001), "is not held in an organisation"),
    ],
)
def test_a_role_without_its_place_or_with_an_unknown_one_is_invalid(
    administrator: User, client_school: School, spec: RoleSpec, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(actor=administrator, email="x@x.test", name="X", roles=[spec])
    assert message in caught.value.message_dict["roles"][0]


def test_invalid_email_and_blank_name_are_reported_together(administrator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(actor=administrator, email="not-an-address", name="  ", roles=[])
    assert set(caught.value.message_dict) == {"email", "name"}


def test_an_email_address_is_used_once_whatever_its_case(
    administrator: User, coordinator: User
) -> None:
    with pytest.raises(RuleViolation) as caught:
        user_create(actor=administrator, email="ALICE@kyra.test", name="Alice Again", roles=[])
    assert caught.value.rule == "email_taken"


def test_the_same_role_given_twice_is_granted_once(
    administrator: User, alliance: Organisation
) -> None:
    spec = RoleSpec(Role.COORDINATOR, organisation_id=alliance.pk)
    user = user_create(actor=administrator, email="twice@x.test", name="T", roles=[spec, spec])
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_role_grant_follows_the_same_rule(
    coordinator: User, other_org: Organisation, alliance: Organisation, stranger: User
) -> None:
    role_grant(
        actor=coordinator,
        user=stranger,
        spec=RoleSpec(Role.BROKER_LEAD, organisation_id=alliance.pk),
    )
    with pytest.raises(NotAllowed):
        role_grant(
            actor=coordinator,
            user=stranger,
            spec=RoleSpec(Role.BROKER_LEAD, organisation_id=other_org.pk),
        )
    assert _roles(stranger) == {(Role.BROKER_LEAD, alliance.pk, None)}


def test_a_role_already_held_cannot_be_granted_again(
    administrator: User, coordinator: User, alliance: Organisation
) -> None:
    with pytest.raises(RuleViolation):
        role_grant(
            actor=administrator,
            user=coordinator,
            spec=RoleSpec(Role.COORDINATOR, organisation_id=alliance.pk),
        )


def test_role_revoke_removes_the_role_and_records_it(coordinator: User, broker_lead: User) -> None:
    assignment = broker_lead.role_assignments.get()
    role_revoke(actor=coordinator, assignment=assignment)
    assert not broker_lead.role_assignments.exists()
    assert Event.objects.filter(verb="role.revoked", subject_id=str(broker_lead.pk)).exists()


def test_coordinator_cannot_revoke_a_role_in_another_organisation(
    coordinator: User, other_coordinator: User
) -> None:
    with pytest.raises(NotAllowed):
        role_revoke(actor=coordinator, assignment=other_coordinator.role_assignments.get())


def test_an_administrator_cannot_drop_their_own_administrator_role(administrator: User) -> None:
    with pytest.raises(RuleViolation):
        role_revoke(actor=administrator, assignment=administrator.role_assignments.get())


def test_role_grant_allowed_never_lets_a_coordinator_make_an_administrator(
    coordinator: User,
) -> None:
    assert not role_grant_allowed(coordinator, RoleSpec(Role.ADMINISTRATOR))


def test_api_token_issue_returns_a_secret_that_is_stored_only_as_a_hash(
    coordinator: User,
) -> None:
    raw = api_token_issue(actor=None, user=coordinator)
    token = ApiToken.objects.get(user=coordinator)
    assert raw.startswith(token.prefix)
    assert raw not in token.key_hash
    assert ApiToken.user_for(raw) == coordinator
    assert Event.objects.filter(verb="api_token.issued").exists()


def test_nobody_issues_tokens_for_someone_else_except_administrators(
    coordinator: User, broker_lead: User, administrator: User
) -> None:
    with pytest.raises(NotAllowed):
        api_token_issue(actor=coordinator, user=broker_lead)
    assert api_token_issue(actor=administrator, user=broker_lead)
    assert api_token_issue(actor=broker_lead, user=broker_lead)


def test_no_token_for_a_deactivated_user(coordinator: User) -> None:
    coordinator.is_active = False
    coordinator.save()
    with pytest.raises(RuleViolation):
        api_token_issue(actor=None, user=coordinator)
