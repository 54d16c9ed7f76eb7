"""Signing in (a password, then a code where two-factor is on) and out, resetting or changing a
password, and the account page: two-factor, sessions and API tokens. Administrators reset a
person's two-factor when they lose their phone."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from syslead.accounts import two_factor
from syslead.accounts.access import is_administrator
from syslead.accounts.browser_sessions import (
    describe_user_agent,
    session_end,
    session_renewed,
    sessions_of,
)
from syslead.accounts.forms import (
    CodeForm,
    EmailAuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    PeopleSearchForm,
    SetPasswordForm,
    SetUpForm,
    TokenForm,
)
from syslead.accounts.models import ApiToken, User, UserSession
from syslead.accounts.selectors import api_tokens_of
from syslead.accounts.services import api_token_issue, api_token_revoke
from syslead.accounts.two_factor import must_give_code, must_set_up
from syslead.calendars.models import CalendarFeed
from syslead.core.events import events_for
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service


class LoginView(auth_views.LoginView):
    """The password step (django-axes counts its failures); then the code page when the person
    has an app, or app set-up first when their role requires two-factor and they have none."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if must_give_code(self.request):
            return _url_with_next("accounts:two_factor_verify", url)
        if must_set_up(self.request):
            return _url_with_next("accounts:two_factor_setup", url)
        return url


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session (under a new key) and ends the others."""

    template_name = "accounts/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        before = UserSession.objects.filter(session_id=self.request.session.session_key).first()
        response = super().form_valid(form)
        session_renewed(self.request, form.user, before)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- Two-factor sign-in ---------------------------------------------------------------------


def _url_with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _next_url(request: HttpRequest, default: str = "core:home") -> str:
    """Where to go once done: the ``next`` the person came with (this site only), else home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(default)


@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code. Each wrong code
    counts as a failed sign-in for django-axes; after ``SYSLEAD_MFA_CODE_ATTEMPTS`` the person
    is signed out and starts again with their password."""
    if not must_give_code(request):
        return redirect(_next_url(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        result = two_factor.code_check(request=request, user=user, code=form.cleaned_data["code"])
        if result.outcome is two_factor.Outcome.APP:
            return redirect(_next_url(request))
        if result.outcome is two_factor.Outcome.RECOVERY:
            messages.warning(
                request,
                f"You signed in with a recovery code; it cannot be used again. You have "
                f"{result.recovery_codes_left} left: make new ones on your account page.",
            )
            return redirect(_next_url(request))
        if result.outcome is two_factor.Outcome.WAIT:
            form.add_error("code", "Too many wrong codes in a row. Wait a minute, then try again.")
        else:
            failures = int(request.session.get(two_factor.FAILURES, 0)) + 1
            request.session[two_factor.FAILURES] = failures
            user_login_failed.send(
                sender=__name__, credentials={"username": user.email}, request=request
            )
            if failures >= settings.SYSLEAD_MFA_CODE_ATTEMPTS:
                logout(request)
                messages.error(request, "Too many wrong codes. Sign in again.")
                return redirect("accounts:login")
            form.add_error(
                "code",
                "The code is not right. Enter the code your app shows now, or a recovery code.",
            )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up (or replace) an authenticator app: scan the QR code or type the key, then prove it
    with a code. Recovery codes follow, shown once."""
    user = request.user
    device = two_factor.app_device_pending(user)
    form = SetUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = run_service(
            form,
            lambda: two_factor.app_confirm(
                request=request, user=user, code=form.cleaned_data["code"]
            ),
        )
        if codes is not None:
            request.session[two_factor.NEW_CODES] = codes
            messages.success(request, "Two-factor sign-in is on.")
            return redirect(_url_with_next("accounts:recovery_codes", _next_url(request)))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
            "replacing": two_factor.has_two_factor(user),
            "required": two_factor.must_set_up(request),
            "next": _next_url(request, default="accounts:account"),
        },
    )


@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes, shown this once (they are not shown again)."""
    codes = request.session.pop(two_factor.NEW_CODES, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, default="accounts:account")},
    )


@login_required
@require_POST
def recovery_codes_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CodeForm()
    codes = run_service(form, lambda: two_factor.recovery_codes_regenerate(actor=request.user))
    if codes is None:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect("accounts:account")
    request.session[two_factor.NEW_CODES] = codes
    return redirect("accounts:recovery_codes")


@login_required
@require_POST
def two_factor_turn_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CodeForm()
    run_service(form, lambda: two_factor.two_factor_turn_off(request=request, actor=request.user))
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    else:
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts:account")


# --- The account page: two-factor, sessions, tokens ---------------------------------------


def _account_context(request: AuthenticatedHttpRequest, token_form: TokenForm) -> dict[str, Any]:
    user = request.user
    current = request.session.session_key
    sessions = [
        {
            "row": row,
            "device": describe_user_agent(row.user_agent),
            "current": row.session_id == current,
        }
        for row in sessions_of(user)
    ]
    return {
        "app": two_factor.app_device(user),
        "required": two_factor.two_factor_enforced() and two_factor.two_factor_required_of(user),
        "role_requires": two_factor.two_factor_required_of(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "sessions": sessions,
        "tokens": api_tokens_of(user),
        "token_form": token_form,
        "calendar_feed": CalendarFeed.objects.filter(user=user).first(),
        "settings_idle": settings.SYSLEAD_SESSION_IDLE_MINUTES,
        "settings_max": settings.SYSLEAD_SESSION_MAX_HOURS,
    }


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(initial={"days": settings.SYSLEAD_API_TOKEN_DAYS})
    return render(request, "accounts/account.html", _account_context(request, form))


@login_required
@require_POST
def token_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue a token for oneself: the secret is on the page this once and never again."""
    form = TokenForm(request.POST)
    if form.is_valid():
        raw = run_service(
            form,
            lambda: api_token_issue(
                actor=request.user,
                user=request.user,
                days=form.cleaned_data["days"],
                label=form.cleaned_data["label"],
            ),
        )
        if raw is not None:
            token = ApiToken.objects.filter(user=request.user).order_by("-pk").first()
            return render(request, "accounts/token_issued.html", {"raw": raw, "token": token})
    return render(request, "accounts/account.html", _account_context(request, form))


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token {token.prefix}… no longer works.")
    return redirect("accounts:account")


@login_required
@require_POST
def session_end_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """End one of one's sessions: that browser is signed out at once."""
    row = get_object_or_404(UserSession, pk=session_id, user=request.user)
    was_current = row.session_id == request.session.session_key
    session_end(actor=request.user, session=row)
    if was_current:
        logout(request)
        return redirect("accounts:login")
    messages.success(request, f"Signed out {describe_user_agent(row.user_agent)}.")
    return redirect("accounts:account")


# --- Administrators: a person's lost phone --------------------------------------------------


def _require_administrator(user: User) -> None:
    if not is_administrator(user):
        raise PermissionDenied("Only administrators manage people's two-factor sign-in.")


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person and see whether they use two-factor; reset it from here."""
    _require_administrator(request.user)
    form = PeopleSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    found = list(two_factor.people_with_two_factor(search)[:51])
    return render(
        request,
        "accounts/people.html",
        {"form": form, "people": found[:50], "more": len(found) > 50, "search": search},
    )


@login_required
def two_factor_reset_view(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Confirm, then reset the person's two-factor (recorded on their timeline)."""
    _require_administrator(request.user)
    person = get_object_or_404(User, pk=user_id)
    form = CodeForm()
    if request.method == "POST":
        ended = run_service(
            form, lambda: two_factor.two_factor_reset(actor=request.user, user=person)
        )
        if ended is not None:
            messages.success(
                request,
                f"Two-factor sign-in is reset for {person}. They were signed out of {ended} "
                "session(s) and will set up an app when they next sign in.",
            )
            return redirect("accounts:people")
    history = list(
        events_for(person)
        .filter(verb__startswith="two_factor.")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(
        request,
        "accounts/two_factor_reset.html",
        {
            "person": person,
            "form": form,
            "has_app": two_factor.has_two_factor(person),
            "history": history,
        },
    )
