from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "syslead.documents"
    label = "documents"
    verbose_name = "Documents"
