"""Signals the leaders area sends for the areas above it (docs/architecture.md: leaders know
nothing of agreements).

``leader_moved``: a leader moved school (docs/rules.md, "A leader moves school"); sent inside the
move's transaction with ``actor``, ``leader`` and ``employment`` (the new current employment). A
receiver returns the records it flagged (the agreements area flags the leader's live agreements).
"""

from __future__ import annotations

from django.dispatch import Signal

leader_moved = Signal()
