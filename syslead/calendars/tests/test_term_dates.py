"""A local authority's term dates: validated (in order, inside the academic year), set by the
organisation's coordinators on a page with GOV.UK date inputs, refused to everyone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from syslead.accounts.models import User
from syslead.calendars.models import TermDates, validate_term_dates
from syslead.calendars.school_calendar import calendar_for, default_year_dates
from syslead.calendars.services import term_dates_save
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]
YEAR = AcademicYear(2025)
PAGE = "/organisations/kyra/term-dates/2025-26/"


def _dates(**overrides: dt.date) -> dict[str, dt.date]:
    dates = dict(default_year_dates(YEAR).as_fields())
    dates.update(overrides)
    return dates


def _post(dates: dict[str, dt.date], **raw: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for name, day in dates.items():
        data[f"{name}_day"] = str(day.day)
        data[f"{name}_month"] = str(day.month)
        data[f"{name}_year"] = str(day.year)
    data.update(raw)
    return data


# --- Validation -----------------------------------------------------------------------------------


def test_the_default_dates_are_valid() -> None:
    validate_term_dates("2025-26", dict(_dates()))


def test_dates_out_of_order_are_refused_on_the_field_that_is_out_of_place() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_term_dates("2025-26", dict(_dates(spring_starts_on=dt.date(2025, 12, 15))))
    assert set(raised.value.message_dict) == {"spring_starts_on"}
    assert "after the autumn term's last day" in raised.value.message_dict["spring_starts_on"][0]


def test_a_half_term_outside_its_term_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_term_dates(
            "2025-26",
            dict(
                _dates(
                    autumn_half_term_starts_on=dt.date(2025, 12, 22),
                    autumn_half_term_ends_on=dt.date(2025, 12, 23),
                )
            ),
        )
    assert "autumn_half_term_starts_on" in raised.value.message_dict or (
        "autumn_ends_on" in raised.value.message_dict
    )


def test_a_half_term_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_term_dates("2025-26", dict(_dates(autumn_half_term_ends_on=dt.date(2025, 10, 24))))
    assert "autumn_half_term_ends_on" in raised.value.message_dict


def test_a_date_outside_the_academic_year_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_term_dates("2025-26", dict(_dates(summer_ends_on=dt.date(2026, 9, 2))))
    assert raised.value.message_dict["summer_ends_on"] == [
        "The summer term's last day must be within the academic year 2025-26 "
        "(1 September 2025 to 31 August 2026)."
    ]


def test_one_day_half_terms_are_allowed() -> None:
    validate_term_dates(
        "2025-26",
        dict(
            _dates(
                spring_half_term_starts_on=dt.date(2026, 2, 16),
                spring_half_term_ends_on=dt.date(2026, 2, 16),
            )
        ),
    )


# --- The service ----------------------------------------------------------------------------------


def test_a_coordinator_sets_the_dates_of_the_organisations_local_authority(
    coordinator: User, alliance: Organisation, deployment: Deployment
) -> None:
    row = term_dates_save(
        actor=coordinator,
        organisation=alliance,
        year=YEAR,
        dates=_dates(autumn_ends_on=dt.date(2025, 12, 17)),
    )
    assert (row.local_authority, row.academic_year) == ("Lincolnshire", "2025-26")
    assert calendar_for("Lincolnshire").year_dates(YEAR).autumn.ends_on == dt.date(2025, 12, 17)
    # Saved again: the same row changes.
    term_dates_save(actor=coordinator, organisation=alliance, year=YEAR, dates=_dates())
    assert TermDates.objects.count() == 1


def test_another_organisations_coordinator_may_not_set_them(
    other_coordinator: User, alliance: Organisation, deployment: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        term_dates_save(actor=other_coordinator, organisation=alliance, year=YEAR, dates=_dates())
    assert not TermDates.objects.exists()


def test_an_organisation_without_a_local_authority_has_none_to_set(
    coordinator: User, alliance: Organisation
) -> None:
    with pytest.raises(RuleViolation):
        term_dates_save(actor=coordinator, organisation=alliance, year=YEAR, dates=_dates())


# --- The pages ------------------------------------------------------------------------------------


def test_the_coordinator_sees_the_years_and_sets_one_with_date_inputs(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    client = login(coordinator)
    page = client.get("/organisations/kyra/term-dates/")
    assert page.status_code == 200
    assert "Term dates in Lincolnshire" in page.content.decode()
    form = client.get(PAGE)
    html = form.content.decode()
    assert form.status_code == 200
    assert 'name="autumn_starts_on_day" value="3" inputmode="numeric"' in html
    response = client.post(PAGE, _post(_dates(autumn_ends_on=dt.date(2025, 12, 17))))
    assert response.status_code == 302
    assert TermDates.objects.get().autumn_ends_on == dt.date(2025, 12, 17)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"autumn_starts_on_month": ""}, "The autumn term&#x27;s first day must include a month"),
        (
            {"autumn_starts_on_day": "", "autumn_starts_on_year": ""},
            "The autumn term&#x27;s first day must include a day and a year",
        ),
        ({"autumn_starts_on_day": "31", "autumn_starts_on_month": "9"}, "must be a real date"),
        ({"autumn_starts_on_day": "x"}, "must be a real date"),
        ({"autumn_starts_on_year": "25"}, "Year must include 4 numbers"),
        (
            {
                "autumn_starts_on_day": "",
                "autumn_starts_on_month": "",
                "autumn_starts_on_year": "",
            },
            "Enter the autumn term&#x27;s first day",
        ),
    ],
)
def test_govuk_date_input_errors(
    login: Login, coordinator: User, deployment: Deployment, raw: dict[str, str], message: str
) -> None:
    response = login(coordinator).post(PAGE, _post(_dates(), **raw))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert 'href="#id_autumn_starts_on_0"' in html
    assert not TermDates.objects.exists()


def test_dates_out_of_order_are_shown_on_the_page(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    response = login(coordinator).post(PAGE, _post(_dates(summer_starts_on=dt.date(2026, 3, 20))))
    assert response.status_code == 200
    assert "The summer term&#x27;s first day must be after" in response.content.decode()
    assert not TermDates.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_coordinator", 403),
        ("leader_user", 403),
        ("client_head", 403),
        ("broker_lead", 403),
        ("administrator", 200),
    ],
)
def test_only_the_organisations_coordinators_reach_the_term_dates(
    request: pytest.FixtureRequest,
    login: Login,
    deployment: Deployment,
    who: str,
    status: int,
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get("/organisations/kyra/term-dates/").status_code == status
    assert client.get(PAGE).status_code == status
    saved = client.post(PAGE, _post(_dates()))
    assert saved.status_code == (302 if status == 200 else status)
    assert TermDates.objects.exists() == (status == 200)


def test_anonymous_people_are_asked_to_sign_in(client: Client, deployment: Deployment) -> None:
    response = client.get("/organisations/kyra/term-dates/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_organisation_or_year_is_404(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    client = login(coordinator)
    assert client.get("/organisations/nobody/term-dates/").status_code == 404
    assert client.get("/organisations/kyra/term-dates/2025-27/").status_code == 404


def test_the_term_dates_link_takes_a_coordinator_to_their_organisation(
    login: Login, coordinator: User, leader_user: User, deployment: Deployment
) -> None:
    response = login(coordinator).get("/term-dates/")
    assert response.status_code == 302
    assert response["Location"] == "/organisations/kyra/term-dates/"
    assert login(leader_user).get("/term-dates/").status_code == 403


def test_the_term_dates_cache_key_has_no_spaces() -> None:
    """Cache keys hold only characters every cache accepts (memcached refuses spaces)."""
    from syslead.calendars.school_calendar import _cache_key

    assert _cache_key(" North East Lincolnshire ") == "calendars:term-dates:north-east-lincolnshire"
