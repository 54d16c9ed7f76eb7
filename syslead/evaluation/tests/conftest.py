"""The delivery fixtures (an active agreement and the people around it) for evaluation tests."""

from syslead.visits.tests.conftest import (  # noqa: F401
    deployment,
    la_deployment,
    leader,
    named_person,
    other_head,
)
