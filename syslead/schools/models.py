"""The register of schools (DfE's Get Information about Schools) with Ofsted history and places."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    POST_16 = "post_16", "16 plus"
    SPECIAL = "special", "Special"
    ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"


class OfstedRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    SATISFACTORY = "satisfactory", "Satisfactory"
    INADEQUATE = "inadequate", "Inadequate"


#: Lower is better: used to compare grades over time.
OFSTED_GRADE_NUMBER = {
    OfstedRating.OUTSTANDING: 1,
    OfstedRating.GOOD: 2,
    OfstedRating.REQUIRES_IMPROVEMENT: 3,
    OfstedRating.SATISFACTORY: 3,
    OfstedRating.INADEQUATE: 4,
}


class School(models.Model):
    urn = models.PositiveIntegerField(primary_key=True, verbose_name="URN")
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=30, choices=Phase.choices, blank=True, db_index=True)
    establishment_type = models.CharField(max_length=120, blank=True)
    type_group = models.CharField(max_length=80, blank=True)
    is_open = models.BooleanField(default=True)
    local_authority = models.CharField(max_length=100, blank=True, db_index=True)
    la_code = models.CharField(max_length=10, blank=True)
    district = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=60, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    postcode_compact = models.CharField(max_length=10, blank=True, db_index=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True, db_index=True)
    longitude = models.FloatField(null=True, blank=True)
    location_source = models.CharField(
        max_length=20, blank=True, help_text="postcode, outward_centroid or gias"
    )
    age_low = models.PositiveSmallIntegerField(null=True, blank=True)
    age_high = models.PositiveSmallIntegerField(null=True, blank=True)
    religious_character = models.CharField(max_length=100, blank=True)
    trust_name = models.CharField(max_length=200, blank=True, db_index=True)
    ofsted_rating = models.CharField(max_length=30, choices=OfstedRating.choices, blank=True)
    ofsted_inspected_on = models.DateField(null=True, blank=True)
    name_search = models.CharField(
        max_length=300, blank=True, db_index=True, help_text="Lower-cased name and town."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="school_location_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def outward_code(self) -> str:
        return self.postcode.split(" ")[0] if self.postcode else ""


class OfstedInspection(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    rating = models.CharField(max_length=30, choices=OfstedRating.choices)
    inspected_on = models.DateField()

    class Meta:
        ordering = ["-inspected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "inspected_on"], name="one_inspection_per_school_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.rating} {self.inspected_on}"


class PostcodeArea(models.Model):
    """The centroid of an outward postcode (e.g. LN1): places a postcode not known in full."""

    outward = models.CharField(max_length=5, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["outward"]

    def __str__(self) -> str:
        return self.outward


class RegisterImport(models.Model):
    """One load of the register (a GIAS download, the shipped open-data files, or an Ofsted
    inspections file): what it added, updated and rejected, and why. The audit trail of bulk
    changes to schools. For an Ofsted file, ``added``, ``updated`` and ``unchanged`` count
    inspections (docs/impact.md)."""

    class Source(models.TextChoices):
        GIAS = "gias", "GIAS download"
        REGISTER = "register", "Shipped register"
        OFSTED = "ofsted", "Ofsted inspections file"

    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="register_imports",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    file_name = models.CharField(max_length=255, blank=True)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    inspections_added = models.PositiveIntegerField(default=0)
    kept_apart = models.PositiveIntegerField(
        default=0,
        help_text="Ofsted rows without a single overall grade (ungraded, or the report-card era).",
    )
    rejected_rows = models.JSONField(
        default=list, blank=True, help_text="The first rejected rows: line, URN and reason."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name} ({self.created_at:%Y-%m-%d})"


class NamedSip(models.Model):
    """A school's named school improvement partner (SIP): a person holding the SIP role in the
    local authority organisation that named them, for a school of its area, from a date until a
    date (docs/rules.md, "The school's named SIP"). At most one row per school is current (no end
    date): naming another SIP ends the current one, so the rows are the school's history. The
    one lookup is ``syslead.schools.sips.school_sip``."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="named_sips")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="named_sips"
    )
    sip = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="named_sip_of"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"],
                condition=models.Q(ends_on__isnull=True),
                name="one_current_named_sip_per_school",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="named_sip_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sip} for {self.school}"

    @property
    def is_current(self) -> bool:
        return self.ends_on is None
