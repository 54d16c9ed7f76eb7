"""Who may see, add and remove documents (docs/documents.md). A document has no rule of its own:
it follows its record's, in the record's access module (``syslead.brokering.access`` for a
request, ``syslead.deployments.access`` for an agreement).

- see and download: whoever may see the record (else 404);
- add: the record's parties (``may_add_request_documents``, ``may_add_agreement_documents``);
- remove: whoever added it, while they still see the record, and the coordinators of the record's
  organisation (and administrators).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from syslead.brokering.access import (
    can_broker,
    may_add_request_documents,
    support_requests_for_user,
)
from syslead.brokering.models import SupportRequest
from syslead.core.queries import one_or_none
from syslead.deployments.access import (
    can_manage_deployment,
    deployment_roles,
    deployments_visible_to,
    may_add_agreement_documents,
)
from syslead.deployments.models import Deployment
from syslead.documents.models import Document

#: The records a document may belong to.
Owner = SupportRequest | Deployment


def documents_visible_to(user: Any) -> QuerySet[Document]:
    """Every document on a record the user may see."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    return Document.objects.filter(
        Q(support_request__in=support_requests_for_user(user).values("id"))
        | Q(deployment__in=deployments_visible_to(user).values("id"))
    )


def document_for_user(user: Any, document_id: int | str) -> Document:
    """A document the user may see, or Http404 (unknown and invisible alike)."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise Http404("No such document.") from None
    found = one_or_none(
        documents_visible_to(user)
        .select_related("support_request", "deployment", "uploaded_by")
        .filter(pk=pk)
    )
    if found is None:
        raise Http404("No such document.")
    return found


def documents_of(owner: Owner) -> QuerySet[Document]:
    """The documents of a record the caller has already been allowed to see, newest first, each
    knowing its record (``Document.owner`` asks for it again otherwise: a query a document)."""
    return owner.documents.select_related("uploaded_by")


def may_add(user: Any, owner: Owner) -> bool:
    """The record's parties (the record's own access module decides)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if isinstance(owner, SupportRequest):
        return may_add_request_documents(user, owner)
    return may_add_agreement_documents(deployment_roles(user, owner))


def _coordinates(user: Any, owner: Owner) -> bool:
    if isinstance(owner, SupportRequest):
        return can_broker(user, owner)
    return can_manage_deployment(user, owner)


def may_remove(user: Any, document: Document) -> bool:
    """Whoever added it, and the coordinators of the record's organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if document.uploaded_by_id is not None and document.uploaded_by_id == user.pk:
        return True
    owner = document.owner
    assert isinstance(owner, SupportRequest | Deployment)
    return _coordinates(user, owner)
