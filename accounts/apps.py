from django.apps import AppConfig
from django.contrib.admin import apps as admin


class AccountsConfig(AppConfig):
    name = "accounts"


class AdminConfig(admin.AdminConfig):
    """Django's admin app with our site: its log-in form is limited like every other."""

    default = False  # installed by its path; "accounts" stays AccountsConfig
    default_site = "accounts.views.AdminSite"
