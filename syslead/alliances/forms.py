"""Forms of the alliance pages: they parse and validate; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.alliances.models import AllianceMember, AttendanceStatus, BoardDecisionKind
from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.schools.models import School

TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "class": "input--short"}, format="%H:%M")
#: How many schools a name search offers to choose from.
SCHOOL_CHOICES = 10


def _date(
    label: str, *, missing: str = "", required: bool = True, help_text: str = ""
) -> GovukDateField:
    return GovukDateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": missing or f"Enter the {label.lower()}",
            "invalid": f"{label} must be a real date",
        },
    )


class MemberAddForm(forms.Form):
    school = forms.CharField(
        label="School",
        max_length=200,
        help_text="The school's URN, or its name (and town).",
        error_messages={"required": "Enter the school's URN or name"},
    )
    pick = forms.ChoiceField(label="Which school?", required=False, widget=forms.RadioSelect)
    joined_on = _date("Date joined", missing="Enter the date the school joined")
    mou_signed_on = _date(
        "Date the MOU was signed",
        required=False,
        help_text="When the headteacher signed the memorandum of understanding. Leave empty "
        "until it is signed.",
    )
    mou_version = forms.CharField(
        label="MOU version", max_length=40, required=False, help_text="For example, 2026."
    )
    mou_signed_by = forms.CharField(label="Signed by (headteacher)", max_length=200, required=False)
    is_strategic_partner = forms.BooleanField(
        label="Strategic partner (sits on the management board)", required=False
    )
    duties = forms.CharField(
        label="Duties",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_email = forms.EmailField(
        label="Contact e-mail address",
        max_length=254,
        required=False,
        help_text="Invitations to meetings go here (else to the school's headteachers).",
    )
    contact_phone = forms.CharField(label="Contact telephone", max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches: list[School] = []
        self.fields["pick"].choices = [  # type: ignore[attr-defined]
            (str(s.urn), f"{s.name}, {s.town} (URN {s.urn})") for s in self._searched()
        ]

    def _searched(self) -> list[School]:
        query = (self.data.get("school") or "").strip() if self.is_bound else ""
        if not query:
            return []
        if query.isdigit():
            urn = int(query)
            return list(School.objects.filter(urn=urn)) if 0 < urn < 2**31 else []
        terms = query.lower().split()
        schools = School.objects.all()
        for term in terms[:6]:
            schools = schools.filter(name_search__contains=term)
        return list(schools.order_by("-is_open", "name")[: SCHOOL_CHOICES + 1])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.has_error("school"):
            return data
        found = self._searched()
        picked = data.get("pick")
        if picked:
            chosen = [s for s in found if str(s.urn) == picked]
            if chosen:
                data["school"] = chosen[0]
                return data
        if not found:
            self.add_error("school", "No school has that URN or name: check it and try again")
        elif len(found) > 1:
            self.matches = found[:SCHOOL_CHOICES]
            self.add_error("pick", "More than one school matches: choose one")
        else:
            data["school"] = found[0]
        return data

    def clean_mou_version(self) -> str:
        version = str(self.cleaned_data.get("mou_version") or "").strip()
        signed_on = self["mou_signed_on"]
        given = signed_on.field.widget.value_from_datadict(self.data, None, signed_on.html_name)
        if any(given) and not version:
            raise forms.ValidationError("Enter the version of the MOU that was signed")
        return version


class MouForm(forms.Form):
    signed_on = _date("Date signed", missing="Enter the date the headteacher signed")
    version = forms.CharField(
        label="MOU version",
        max_length=40,
        help_text="The version of the memorandum of understanding signed, for example 2026.",
        error_messages={"required": "Enter the version of the MOU that was signed"},
    )
    signed_by = forms.CharField(
        label="Signed by (headteacher)",
        max_length=200,
        error_messages={"required": "Enter the name of the headteacher who signed"},
    )


class MemberDetailsForm(forms.Form):
    is_strategic_partner = forms.BooleanField(
        label="Strategic partner (sits on the management board)", required=False
    )
    duties = forms.CharField(
        label="Duties",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contact e-mail address", max_length=254, required=False)
    contact_phone = forms.CharField(label="Contact telephone", max_length=40, required=False)

    @classmethod
    def initial_for(cls, member: AllianceMember) -> dict[str, Any]:
        return {name: getattr(member, name) for name in cls.base_fields}


class LeaveForm(forms.Form):
    left_on = _date("Date left", missing="Enter the date the school left")
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingForm(forms.Form):
    held_on = _date("Date of the meeting")
    title = forms.CharField(
        label="Title",
        max_length=200,
        initial="Termly meeting of alliance members",
        error_messages={"required": "Enter the meeting's title"},
    )
    starts_at = forms.TimeField(
        label="Starts at (optional)",
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": "Enter a time like 16:00"},
    )
    ends_at = forms.TimeField(
        label="Ends at (optional)",
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": "Enter a time like 18:00"},
    )
    location = forms.CharField(label="Where (optional)", max_length=200, required=False)


class AttendanceForm(forms.Form):
    """One question per member of the alliance on the meeting's date."""

    def __init__(
        self, *args: Any, members: list[AllianceMember], current: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[self.field_name(member)] = forms.ChoiceField(
                label=f"Did {member.school.name} attend?",
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=current.get(member.pk),
                error_messages={"required": f"Say whether {member.school.name} attended"},
            )

    @staticmethod
    def field_name(member: AllianceMember) -> str:
        return f"member_{member.pk}"

    def rows(self) -> list[tuple[AllianceMember, forms.BoundField]]:
        return [(m, self[self.field_name(m)]) for m in self.members]

    def attendance(self) -> dict[int, str]:
        """URN → status, from valid data."""
        return {m.school_id: self.cleaned_data[self.field_name(m)] for m in self.members}


class BoardDecisionForm(forms.Form):
    decided_on = _date("Date of the decision")
    decision = forms.ChoiceField(
        label="What did the board decide?",
        choices=BoardDecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the board decided"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
