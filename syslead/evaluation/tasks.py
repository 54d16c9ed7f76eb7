"""Background tasks of feedback and evaluation: arguments are plain JSON so the database backend
can store them and ``manage.py db_worker`` can run them later."""

from __future__ import annotations

from django_tasks import task


@task()
def build_evidence_pack(pack_id: int) -> str:
    """Make one impact evidence pack (the pack shows its status while it works)."""
    from syslead.evaluation.evidence_packs import evidence_pack_build

    return str(evidence_pack_build(pack_id).status)
