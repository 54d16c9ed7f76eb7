"""How long a text may be: one number for every longer text Syslead stores (a note of visit's
focus, a summary, a pen portrait, a reason), used by the models, the forms and the API alike.
Titles and names are bounded by their columns' own lengths."""

from __future__ import annotations

#: The most characters a longer text may hold (about 1,500 words).
TEXT_MAX_LENGTH = 10_000
