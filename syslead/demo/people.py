"""The demo's people: synthetic names (from fixed lists, chosen with a fixed seed) holding real
roles at the demo brokers and at real schools of Lincolnshire and South Gloucestershire.

Thirteen *featured* people (``FEATURED_EMAILS``) have memorable e-mail addresses, one or more for
every role; about 140 more make the directory and the schools feel lived in. Everyone shares
``DEMO_PASSWORD``."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.accounts.services import RoleSpec, user_create
from syslead.demo import DEMO_PASSWORD, DEMO_SEED
from syslead.demo.organisations import LOCAL_AUTHORITY_AREA, DemoOrganisations
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedRating, School

LINCOLNSHIRE = "Lincolnshire"
SOUTH_GLOUCESTERSHIRE = LOCAL_AUTHORITY_AREA

ADMINISTRATOR_EMAIL = "priya.shah@syslead.example"
ADMINISTRATOR_NAME = "Priya Shah"
#: The people to sign in as, one or more for every role, in the order ``demo_logins`` lists them.
FEATURED_EMAILS = (
    ADMINISTRATOR_EMAIL,
    "alice.hart@kyra.example",
    "jonathan.reed@kyra.example",
    "olivia.price@southglos.example",
    "martin.cole@southglos.example",
    "sunita.patel@southglos.example",
    "hannah.webb@leadhub.example",
    "david.okafor@leadhub.example",
    "lee.turner@schools.example",
    "harriet.bishop@schools.example",
    "cara.mills@schools.example",
    "george.ashby@schools.example",
    "rohan.mehta@schools.example",
)
DEMO_EMAIL_DOMAINS = ("syslead", "kyra", "southglos", "leadhub", "schools")

# How many of the generated people of each kind.
HEADTEACHERS_IN = {LINCOLNSHIRE: 60, SOUTH_GLOUCESTERSHIRE: 30}
LEADERS_IN = {LINCOLNSHIRE: 34, SOUTH_GLOUCESTERSHIRE: 10}
COORDINATORS_PER_ORGANISATION = 1  # besides the featured coordinator
SIPS_IN_LOCAL_AUTHORITY = 3  # besides the featured SIP

FIRST_NAMES = (
    "Aaron", "Abigail", "Adam", "Aisha", "Amir", "Amy", "Andrew", "Anna", "Ben", "Beth",
    "Callum", "Charlotte", "Chloe", "Chris", "Claire", "Daniel", "Deborah", "Eleanor", "Emma",
    "Ethan", "Fatima", "Fiona", "Gareth", "Grace", "Hamza", "Helen", "Ian", "Imogen", "Jack",
    "James", "Jasmine", "Joanne", "Joseph", "Karen", "Kieran", "Laura", "Liam", "Lucy", "Mark",
    "Megan", "Mohammed", "Naomi", "Nathan", "Nicola", "Oliver", "Paul", "Rachel", "Rebecca",
    "Richard", "Ruth", "Ryan", "Samuel", "Sarah", "Simon", "Sophie", "Stephen", "Tom", "Usha",
    "Victoria", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Ahmed", "Allen", "Atkinson", "Bailey", "Baker", "Barnes", "Bell", "Brooks",
    "Brown", "Carter", "Chapman", "Clarke", "Collins", "Cooper", "Davies", "Dixon", "Edwards",
    "Ellis", "Evans", "Fletcher", "Foster", "Gibson", "Graham", "Green", "Hall", "Harris",
    "Hughes", "Hussain", "Jackson", "Jenkins", "Johnson", "Kaur", "Kelly", "Khan", "King",
    "Lewis", "Marshall", "Mason", "Moore", "Morgan", "Murphy", "Nelson", "Owen", "Palmer",
    "Parker", "Phillips", "Roberts", "Robinson", "Russell", "Scott", "Singh", "Stevens",
    "Taylor", "Thompson", "Walker", "Ward", "Watson", "Wilson", "Wright",
)  # fmt: skip


@dataclass(frozen=True)
class PersonPlan:
    """One demo account to create: who, their roles, and (for system leaders) where they work and
    which broker they belong with."""

    email: str
    name: str
    roles: tuple[RoleSpec, ...] = ()
    home_school_urn: int | None = None
    broker_key: str = ""  # system leaders: "alliance", "local_authority" or "hub"


@dataclass(frozen=True)
class DemoLeader:
    """A system leader (role only): the leaders area builds their profile from this."""

    user: User
    home_school_urn: int
    broker: Organisation


@dataclass
class DemoPeople:
    administrator: User
    plans: list[PersonPlan]
    users: dict[str, User] = field(default_factory=dict)
    created: int = 0

    def leaders(self, organisations: DemoOrganisations) -> list[DemoLeader]:
        brokers = {
            "alliance": organisations.alliance,
            "local_authority": organisations.local_authority,
            "hub": organisations.hub,
        }
        return [
            DemoLeader(self.users[p.email], p.home_school_urn, brokers[p.broker_key])
            for p in self.plans
            if p.home_school_urn is not None and p.broker_key
        ]


def _open_schools(local_authority: str) -> list[School]:
    return list(
        School.objects.filter(is_open=True, local_authority=local_authority).order_by("urn")
    )


def _good(school: School) -> bool:
    return school.ofsted_rating in {OfstedRating.OUTSTANDING, OfstedRating.GOOD}


def _weak(school: School) -> bool:
    return school.ofsted_rating in {OfstedRating.REQUIRES_IMPROVEMENT, OfstedRating.INADEQUATE}


def _take(rng: random.Random, schools: Sequence[School], n: int) -> list[School]:
    return rng.sample(list(schools), min(n, len(schools)))


class _Names:
    """Unique synthetic names, drawn in a fixed order."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        pairs = list(itertools.product(FIRST_NAMES, LAST_NAMES))
        rng.shuffle(pairs)
        self._pairs = iter(pairs)
        self._taken = taken

    def next(self, domain: str) -> tuple[str, str]:
        for first, last in self._pairs:
            name = f"{first} {last}"
            if name not in self._taken:
                self._taken.add(name)
                return name, f"{first}.{last}@{domain}".lower()
        raise RuntimeError("The demo has run out of names.")


def plan_people(organisations: DemoOrganisations) -> list[PersonPlan]:
    """Everyone the demo creates, in order. The same register gives the same plan every time."""
    rng = random.Random(DEMO_SEED)
    alliance, la, hub = organisations.alliance, organisations.local_authority, organisations.hub
    lead_school = alliance.lead_school
    lincolnshire = [s for s in _open_schools(LINCOLNSHIRE) if s != lead_school]
    south_glos = _open_schools(SOUTH_GLOUCESTERSHIRE)

    # The featured leader works at a good or outstanding school; the featured client is weaker.
    leader_school = rng.choice([s for s in lincolnshire if _good(s)] or lincolnshire)
    client_school = rng.choice([s for s in lincolnshire if _weak(s)] or lincolnshire)
    featured_schools = {leader_school, client_school}

    def org(role: str, organisation: Organisation) -> RoleSpec:
        return RoleSpec(role=role, organisation_id=organisation.pk)

    def head(school: School) -> RoleSpec:
        return RoleSpec(role=Role.HEADTEACHER, school_urn=school.urn)

    plans = [
        PersonPlan(
            "alice.hart@kyra.example",
            "Alice Hart",
            (org(Role.COORDINATOR, alliance),),
        ),
        PersonPlan(
            "jonathan.reed@kyra.example",
            "Jonathan Reed",
            (org(Role.BROKER_LEAD, alliance), *([head(lead_school)] if lead_school else [])),
        ),
        PersonPlan(
            "olivia.price@southglos.example",
            "Olivia Price",
            (org(Role.COORDINATOR, la),),
        ),
        PersonPlan(
            "martin.cole@southglos.example",
            "Martin Cole",
            (org(Role.BROKER_LEAD, la),),
        ),
        PersonPlan(
            "sunita.patel@southglos.example",
            "Sunita Patel",
            (org(Role.SIP, la),),
        ),
        PersonPlan(
            "hannah.webb@leadhub.example",
            "Hannah Webb",
            (org(Role.COORDINATOR, hub),),
        ),
        PersonPlan(
            "david.okafor@leadhub.example",
            "David Okafor",
            (org(Role.BROKER_LEAD, hub),),
        ),
        PersonPlan(
            "lee.turner@schools.example",
            "Lee Turner",
            (RoleSpec(role=Role.SYSTEM_LEADER),),
            home_school_urn=leader_school.urn,
            broker_key="alliance",
        ),
        PersonPlan(
            "harriet.bishop@schools.example",
            "Harriet Bishop",
            (head(leader_school),),
        ),
        PersonPlan(
            "cara.mills@schools.example",
            "Cara Mills",
            (head(client_school),),
        ),
        # The featured school's governing body (docs/rules.md, "The governing body").
        PersonPlan(
            "george.ashby@schools.example",
            "George Ashby",
            (RoleSpec(role=Role.CHAIR_OF_GOVERNORS, school_urn=client_school.urn),),
        ),
        PersonPlan(
            "rohan.mehta@schools.example",
            "Rohan Mehta",
            (RoleSpec(role=Role.GOVERNOR, school_urn=client_school.urn),),
        ),
    ]
    names = _Names(rng, {ADMINISTRATOR_NAME} | {p.name for p in plans})

    for organisation, domain in ((alliance, "kyra"), (la, "southglos"), (hub, "leadhub")):
        for _ in range(COORDINATORS_PER_ORGANISATION):
            name, email = names.next(f"{domain}.example")
            plans.append(PersonPlan(email, name, (org(Role.COORDINATOR, organisation),)))
    for _ in range(SIPS_IN_LOCAL_AUTHORITY):
        name, email = names.next("southglos.example")
        plans.append(PersonPlan(email, name, (org(Role.SIP, la),)))

    taken = featured_schools | ({lead_school} if lead_school else set())
    for local_authority, schools in (
        (LINCOLNSHIRE, lincolnshire),
        (SOUTH_GLOUCESTERSHIRE, south_glos),
    ):
        free = [s for s in schools if s not in taken]
        for school in _take(rng, free, HEADTEACHERS_IN[local_authority]):
            name, email = names.next("schools.example")
            plans.append(PersonPlan(email, name, (head(school),)))
        good = [s for s in schools if _good(s) and s not in featured_schools]
        broker_keys = (
            ("alliance", "hub") if local_authority == LINCOLNSHIRE else ("local_authority",)
        )
        for i, school in enumerate(_take(rng, good, LEADERS_IN[local_authority])):
            name, email = names.next("schools.example")
            plans.append(
                PersonPlan(
                    email,
                    name,
                    (RoleSpec(role=Role.SYSTEM_LEADER),),
                    home_school_urn=school.urn,
                    broker_key=broker_keys[i % len(broker_keys)],
                )
            )
    return plans


def ensure_administrator() -> User:
    """The demo's administrator (a superuser: Django's admin needs one)."""
    existing = User.objects.filter(email=ADMINISTRATOR_EMAIL).first()
    if existing is not None:
        return existing
    user = User.objects.create_superuser(
        email=ADMINISTRATOR_EMAIL, password=DEMO_PASSWORD, name=ADMINISTRATOR_NAME
    )
    return user


def build_people(*, administrator: User, organisations: DemoOrganisations) -> DemoPeople:
    """Create every planned person who does not exist yet, through ``user_create``, and give all
    of them the one demo password."""
    plans = plan_people(organisations)
    emails = [p.email for p in plans]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    people = DemoPeople(administrator=administrator, plans=plans, users=existing)
    new_ids = []
    for plan in plans:
        if plan.email in existing:
            continue
        user = user_create(
            actor=administrator, email=plan.email, name=plan.name, roles=plan.roles, password=None
        )
        people.users[plan.email] = user
        new_ids.append(user.pk)
    # One hash for everyone: hashing the same password 150 times would take most of the build.
    User.objects.filter(pk__in=new_ids).update(password=make_password(DEMO_PASSWORD))
    people.created = len(new_ids)
    return people


def demo_accounts() -> list[User]:
    """Every account the demo made, featured people first (for ``demo_logins``)."""
    demo_domains = Q()
    for domain in DEMO_EMAIL_DOMAINS:
        demo_domains |= Q(email__endswith=f"@{domain}.example")
    users = User.objects.filter(demo_domains).order_by("email")
    featured = {u.email: u for u in users if u.email in FEATURED_EMAILS}
    rest = [u for u in users if u.email not in FEATURED_EMAILS]
    return [featured[e] for e in FEATURED_EMAILS if e in featured] + rest


def roles_described(user: User) -> str:
    parts = []
    for assignment in RoleAssignment.objects.filter(user=user).select_related(
        "organisation", "school"
    ):
        where = assignment.organisation or assignment.school
        label = assignment.get_role_display()
        parts.append(f"{label}, {where.name}" if where else label)
    return "; ".join(parts)
