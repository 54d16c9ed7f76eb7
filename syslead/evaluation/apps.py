from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "syslead.evaluation"
    label = "evaluation"
    verbose_name = "Feedback and evaluation"
