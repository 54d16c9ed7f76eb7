"""Demonstration data, built in one place: real brokers on real schools from ``data/``, and
synthetic people at those schools. ``manage.py load_demo`` builds it (idempotently),
``manage.py demo_logins`` lists who to sign in as.

Layout: ``organisations.py`` (the brokers), ``people.py`` (accounts and roles), ``leaders.py``
(the system leaders and their records), ``casework.py`` (requests, agreements and their delivery,
told as stories from ``steps.py``, each step through a service, dated by ``clock.py``, worded by
``texts.py``), ``alliance.py`` (the alliance's members, meetings, board, training invitations
and annual report), ``builder.py`` (the order of the steps). A later area adds its own module and
one step in ``builder.build_demo``."""

#: Every demo account signs in with this password (README "Demo logins").
DEMO_PASSWORD = "syslead-demo-2026"
#: The seed for every random choice, so that every build picks the same schools and names.
DEMO_SEED = 2026
