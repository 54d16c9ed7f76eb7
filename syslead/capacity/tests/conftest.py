"""The ledger's tests use the leaders area's fixtures: Lee at Mount Street Academy, added by the
alliance."""

from syslead.leaders.tests.conftest import _builtin_vocabularies, leader, lle

__all__ = ["_builtin_vocabularies", "leader", "lle"]
