"""The words a request may use: specialism codes (built in, or an organisation's own)."""

from __future__ import annotations

from django.db.models import Q

from syslead.leaders.constants import BUILTIN_SPECIALISMS
from syslead.leaders.models import Specialism

#: The contract's built-in specialisms (docs/api.md, Vocabularies). The leaders area also
#: creates them as rows; the constant keeps requests valid where those rows are missing.
CONTRACT_SPECIALISMS = frozenset(BUILTIN_SPECIALISMS)


def known_specialism_codes(organisation_id: int | None) -> set[str]:
    """Codes a request of the organisation may name: built-in ones and the organisation's own."""
    condition = Q(organisation__isnull=True)
    if organisation_id is not None:
        condition |= Q(organisation_id=organisation_id)
    codes = set(Specialism.objects.filter(condition).values_list("code", flat=True))
    return codes | CONTRACT_SPECIALISMS


def specialism_labels(organisation_id: int | None) -> dict[str, str]:
    """Code → label for display, built-in and the organisation's own."""
    condition = Q(organisation__isnull=True)
    if organisation_id is not None:
        condition |= Q(organisation_id=organisation_id)
    labels = dict(BUILTIN_SPECIALISMS)
    labels.update(dict(Specialism.objects.filter(condition).values_list("code", "label")))
    return labels
