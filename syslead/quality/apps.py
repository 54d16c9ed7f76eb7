from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "syslead.quality"
    label = "quality"
    verbose_name = "Quality assurance"
