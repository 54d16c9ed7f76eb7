"""Ofsted grades as the sources spell them, mapped to the register's ``OfstedRating`` codes."""

from __future__ import annotations

from syslead.schools.models import OfstedRating

_ALIASES: dict[str, str] = {
    "outstanding": OfstedRating.OUTSTANDING,
    "1": OfstedRating.OUTSTANDING,
    "good": OfstedRating.GOOD,
    "2": OfstedRating.GOOD,
    "requires improvement": OfstedRating.REQUIRES_IMPROVEMENT,
    "requires_improvement": OfstedRating.REQUIRES_IMPROVEMENT,
    "3": OfstedRating.REQUIRES_IMPROVEMENT,
    "satisfactory": OfstedRating.SATISFACTORY,
    "inadequate": OfstedRating.INADEQUATE,
    "4": OfstedRating.INADEQUATE,
    # GIAS 2018 names the two categories of an inadequate judgement instead of the grade.
    "special measures": OfstedRating.INADEQUATE,
    "serious weaknesses": OfstedRating.INADEQUATE,
}


def ofsted_rating_from(text: str | None) -> str | None:
    """A grade as code or label, any case → rating code; "" for none, None if unknown."""
    cleaned = " ".join((text or "").strip().lower().replace("-", " ").split())
    if not cleaned:
        return ""
    return _ALIASES.get(cleaned)
