"""The text the register searches: lower-cased name and town, punctuation folded away."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def search_text(text: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation as single spaces
    ("St Mary's C.E. (Aided)" → "st marys c e aided"): what people type matches what is stored."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    folded = _APOSTROPHES.sub("", folded.lower())
    return _NOT_WORD.sub(" ", folded).strip()


def name_search_for(name: str, town: str) -> str:
    """The value of ``School.name_search``: the school's name and town, searchable."""
    return search_text(f"{name} {town}")[:300]
