from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "syslead.accounts"
    label = "accounts"
