"""Sign-up; the other account pages are Django's own auth views (see urls.py), answering invalid
input with 422 like every form of the app (docs/contributing.md, the htmx error convention)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from common import limits

from .forms import SignupForm

INVALID = 422


class InvalidIs422:
    """Mixed into Django's form views: the form comes back with its errors and a 422."""

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)


class LoginView(InvalidIs422, auth.LoginView):
    pass


class PasswordChangeView(InvalidIs422, auth.PasswordChangeView):
    def form_valid(self, form) -> HttpResponse:
        # One transaction: the hint that the account's sockets check their sessions again goes
        # out after this session got its new key, not between the new password and the key.
        # The session is saved inside it too: its new key must hold the new password's hash
        # when the sockets look, or the check would end (and flush) this very session.
        with transaction.atomic():
            response = super().form_valid(form)
            self.request.session.save()
            return response


class PasswordResetView(InvalidIs422, auth.PasswordResetView):
    pass


class PasswordResetConfirmView(InvalidIs422, auth.PasswordResetConfirmView):
    pass


password_reset = limits.limit_posts(
    "password_reset",
    "PASSWORD_RESET_LIMIT",
    "Too many password reset requests from your address. Try again in a few minutes.",
)(
    PasswordResetView.as_view(
        template_name="accounts/form.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        # Links in e-mail come from SITE_URL, never from the request's Host header.
        extra_email_context={"site_url": settings.SITE_URL},
        extra_context={"title": "Reset your password", "submit": "Send reset link"},
    )
)

login_form = LoginView.as_view(
    template_name="accounts/form.html",
    redirect_authenticated_user=True,
    extra_context={"title": "Log in", "submit": "Log in"},
)


log_in = sensitive_post_parameters("password")(limits.limit_logins(login_form))


class AdminSite(admin.AdminSite):
    """Django's admin (accounts.apps.AdminConfig installs it), whose log-in form spends the
    same limit as ours: a password guessed there is no cheaper than at /accounts/login/."""

    @method_decorator(limits.limit_logins)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return super().login(request, extra_context)


@sensitive_post_parameters("password1", "password2")
@limits.limit_posts("signup", "SIGNUP_LIMIT", "Too many sign-ups from your address. Try later.")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("rooms:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("rooms:dashboard")
    context = {"form": form, "title": "Create your account", "submit": "Sign up"}
    return render(request, "accounts/form.html", context, status=INVALID if form.errors else 200)
