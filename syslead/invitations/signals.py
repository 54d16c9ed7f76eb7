"""Signals the invitations app sends, so that other areas can act on an accepted invitation
without the invitations app knowing them (docs/rules.md: Designations, a pending applicant's
designation is made when they accept)."""

from django.dispatch import Signal

#: Sent inside ``invitation_accept``'s transaction with ``invitation`` and ``user``; a receiver
#: that raises undoes the acceptance.
invitation_accepted = Signal()
