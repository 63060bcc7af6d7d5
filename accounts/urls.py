"""Account URLs: Django's auth views, each rendered by the one account form template."""

from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
FORM = "accounts/form.html"
NOTE = "accounts/note.html"


def page(title: str, submit: str = "", **extra: str) -> dict:
    return {"extra_context": {"title": title, "submit": submit, **extra}}


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.log_in, name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            template_name=FORM,
            success_url=reverse_lazy("accounts:password_change_done"),
            **page("Change password", "Change password"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth.PasswordChangeDoneView.as_view(
            template_name=NOTE,
            **page("Password changed", message="Your password has been changed."),
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        auth.PasswordResetDoneView.as_view(
            template_name=NOTE,
            **page(
                "Check your email",
                message="If an account uses that address, we sent it a link to choose a new "
                "password.",
            ),
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name=FORM,
            success_url=reverse_lazy("accounts:password_reset_complete"),
            **page("Choose a new password", "Set password"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(
            template_name=NOTE,
            **page("Password set", message="Your new password is set. You can log in now."),
        ),
        name="password_reset_complete",
    ),
]
