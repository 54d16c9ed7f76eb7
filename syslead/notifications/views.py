"""The inbox page: what each person has been told, newest first, unread marked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from syslead.core.http import AuthenticatedHttpRequest
from syslead.notifications.inbox import (
    inbox_for,
    notification_for_user,
    notification_mark_read,
    notifications_mark_all_read,
    unread_count,
)

PER_PAGE = 30


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(inbox_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": unread_count(request.user)}
    return render(request, "notifications/inbox.html", context)


@login_required
def open_notification(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read and go where it points."""
    notification = notification_for_user(request.user, notification_id)
    notification_mark_read(actor=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(actor=request.user)
    messages.success(request, f"Marked {count} as read.")
    return redirect("notifications:inbox")
