"""Sign-up; the other account pages are Django's own auth views (see urls.py)."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters

from common import limits

from .forms import SignupForm

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


@sensitive_post_parameters("password")
def log_in(request: HttpRequest) -> HttpResponse:
    """Django's LoginView, with failed attempts limited per client address."""
    limit, window = settings.LOGIN_LIMIT
    if request.method == "POST":
        message = "Too many failed log-in attempts. Wait a few minutes and try again."
        limits.check(request, "login", limit, window, message)
    response = login_form(request)
    if request.method == "POST" and response.status_code == 200:  # the form came back: it failed
        limits.spend(request, "login", window)
    return response


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
    return render(request, "accounts/form.html", context)
