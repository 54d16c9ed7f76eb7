from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "syslead.invitations"
    label = "invitations"
    verbose_name = "Invitations"
