"""The governing body: a governor's read-only pages, and the headteacher's page naming them."""

from django.urls import path

from syslead.governors import views

app_name = "governors"
urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/<int:deployment_id>/", views.agreement, name="agreement"),
    path(
        "agreements/<int:deployment_id>/records/<int:share_id>/",
        views.deployment_record,
        name="deployment_record",
    ),
    path("agreements/<int:deployment_id>/evaluation/", views.evaluation, name="evaluation"),
    path("agreements/<int:deployment_id>/final-report/", views.final_report, name="final_report"),
    path("schools/<int:urn>/", views.manage, name="manage"),
    path(
        "schools/<int:urn>/members/<int:assignment_id>/remove/",
        views.remove,
        name="remove",
    ),
    path(
        "schools/<int:urn>/invitations/<int:invitation_id>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
]
