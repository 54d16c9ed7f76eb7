from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "syslead.evaluation"
    label = "evaluation"
    verbose_name = "Feedback and evaluation"

    def ready(self) -> None:
        """Feed the end-of-support evaluations' overall-success ratings to matching's outcomes
        factor (docs/rules.md, "Matching"): brokering calls it, never imports evaluation."""
        from syslead.brokering.outcomes import register_outcome_source
        from syslead.evaluation.models import LeaderOutcomeTally
        from syslead.evaluation.selectors import overall_success_counts

        register_outcome_source(overall_success_counts, tables=[LeaderOutcomeTally])
