"""Feedback and evaluation: termly feedback, progress reviews, the evaluation, the final report
and the evidence pack."""

from django.urls import path

from syslead.evaluation import views, views_portfolio

app_name = "evaluation"
urlpatterns = [
    path("portfolio/", views_portfolio.my_portfolio, name="my_portfolio"),
    path("portfolio/<int:leader_id>/", views_portfolio.leader_portfolio, name="portfolio"),
    path(
        "deployments/<int:deployment_id>/self-evaluation/",
        views_portfolio.self_evaluation,
        name="self_evaluation",
    ),
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
        "deployments/<int:deployment_id>/evidence-pack/",
        views.evidence_pack_page,
        name="evidence_pack_page",
    ),
    path(
        "deployments/<int:deployment_id>/evidence-pack/<int:pack_id>.pdf",
        views.evidence_pack_download,
        name="evidence_pack_download",
    ),
    # The pack's first address, kept for links people saved: it leads to the pack's page.
    path(
        "deployments/<int:deployment_id>/evidence-pack.pdf",
        views.evidence_pack,
        name="evidence_pack",
    ),
    path("feedback/<int:feedback_id>/feedback.pdf", views.feedback_pdf, name="feedback_pdf"),
    path(
        "deployments/<int:deployment_id>/evaluation.pdf",
        views.evaluation_pdf,
        name="evaluation_pdf",
    ),
    path(
        "deployments/<int:deployment_id>/final-report.pdf",
        views.final_report_pdf,
        name="final_report_pdf",
    ),
]
