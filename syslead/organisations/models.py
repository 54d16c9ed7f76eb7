"""Brokers: the organisations that designate, associate and broker system leaders."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify

from syslead.core.limits import TEXT_MAX_LENGTH

WEB_SCHEMES = ("http", "https")
#: A website is a web address: http:// or https:// only (never javascript:, data: or file:).
validate_website = URLValidator(
    schemes=list(WEB_SCHEMES),
    message="Enter the website's full address, starting https:// (or http://).",
)


class OrganisationKind(models.TextChoices):
    TEACHING_SCHOOL_ALLIANCE = "teaching_school_alliance", "Teaching school alliance"
    TEACHING_SCHOOL_HUB = "teaching_school_hub", "Teaching school hub"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    DIOCESE = "diocese", "Diocese"
    TRUST = "trust", "Trust"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    slug = models.SlugField(max_length=220, unique=True)
    lead_school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_organisations",
        help_text="The lead teaching school or hub school, where there is one.",
    )
    local_authority_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a local authority: the LA name as GIAS spells it (its area).",
    )
    area_names = models.TextField(
        blank=True,
        help_text="Local authority districts the organisation covers, separated by semicolons.",
        max_length=TEXT_MAX_LENGTH,
    )
    website = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_website],
        help_text="The full address, starting https:// (or http://).",
    )
    #: The list entry the organisation was set up from: one organisation per entry (the
    #: one-to-one field's unique constraint backs the rule in ``services``).
    known_broker = models.OneToOneField(
        "organisations.KnownBroker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation",
    )
    # How a school asks for support: the broker's contact, shown on its public pages.
    contact_name = models.CharField(
        max_length=120, blank=True, help_text="Who schools contact to ask for support."
    )
    contact_email = models.EmailField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def website_link(self) -> str:
        """The website when it is safe to link to (an http or https address), else "": a value
        saved before addresses were checked is shown as text, never as a link."""
        address = self.website.strip()
        try:
            scheme = urlsplit(address).scheme.lower()
        except ValueError:
            return ""
        return address if scheme in WEB_SCHEMES and not any(c.isspace() for c in address) else ""

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)

    @property
    def areas(self) -> list[str]:
        return [a.strip() for a in self.area_names.split(";") if a.strip()]

    @staticmethod
    def unique_slug_for(name: str) -> str:
        base = slugify(name)[:200] or "organisation"
        slug = base
        n = 2
        while Organisation.objects.filter(slug=slug).exists():
            slug = f"{base}-{n}"
            n += 1
        return slug


class KnownBrokerSource(models.TextChoices):
    """The published lists a broker can be set up from (data/README.md)."""

    TEACHING_SCHOOL_HUB = "hub_2025", "Teaching school hubs (Sept 2025)"
    TEACHING_SCHOOL_ALLIANCE = "alliance_2018", "Teaching school alliances (March 2018)"
    LOCAL_AUTHORITY = "local_authority", "Local authorities (the school register)"


#: The kind of organisation each list's entries become.
KIND_OF_SOURCE = {
    KnownBrokerSource.TEACHING_SCHOOL_HUB: OrganisationKind.TEACHING_SCHOOL_HUB,
    KnownBrokerSource.TEACHING_SCHOOL_ALLIANCE: OrganisationKind.TEACHING_SCHOOL_ALLIANCE,
    KnownBrokerSource.LOCAL_AUTHORITY: OrganisationKind.LOCAL_AUTHORITY,
}


class KnownBroker(models.Model):
    """One entry of a shipped list of brokers (a hub, an alliance, a local authority), which an
    administrator picks to set up an organisation (docs/going-live.md). ``key`` identifies the
    entry within its list: the hub's area code, the alliance's name, the LA's name."""

    source = models.CharField(max_length=20, choices=KnownBrokerSource.choices)
    key = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    lead_urn = models.PositiveIntegerField(
        null=True, blank=True, help_text="The lead school's URN as the list gives it."
    )
    area = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The hub's LA districts (;-separated), the alliance's LA, or the LA itself.",
    )

    class Meta:
        ordering = ["name", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="known_broker_source_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_source_display()})"

    @property
    def kind(self) -> str:
        return str(KIND_OF_SOURCE[KnownBrokerSource(self.source)])
