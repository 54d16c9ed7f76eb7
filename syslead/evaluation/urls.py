"""Feedback and evaluation: termly feedback, progress reviews, the evaluation, the final report
and the evidence pack."""

from django.urls import path

from syslead.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("deployments/<int:deployment_id>/feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/<int:feedback_id>/", views.feedback, name="feedback"),
    path("deployments/<int:deployment_id>/progress/", views.progress, name="progress"),
    path("deployments/<int:deployment_id>/evaluation/", views.evaluation, name="evaluation"),
    path(
        "deployments/<int:deployment_id>/evaluation/new-request/",
        views.evaluation_new_request,
        name="evaluation_new_request",
    ),
    path("deployments/<int:deployment_id>/final-report/", views.final_report, name="final_report"),
    path(
        "deployments/<int:deployment_id>/evidence-pack.pdf",
        views.evidence_pack,
        name="evidence_pack",
    ),
]
