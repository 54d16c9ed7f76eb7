"""Delivery records: notes of visit, the deployment log and concerns."""

from django.urls import path

from syslead.visits import views
from syslead.visits.exports import log_export, visits_export

app_name = "visits"
urlpatterns = [
    path("deployments/<int:deployment_id>/delivery/", views.delivery, name="delivery"),
    path(
        "deployments/<int:deployment_id>/delivery/export.<export_format:fmt>",
        visits_export,
        name="visits_export",
    ),
    path("deployments/<int:deployment_id>/visits/new/", views.record, name="record"),
    path("deployments/<int:deployment_id>/log/", views.log, name="log"),
    path(
        "deployments/<int:deployment_id>/log/export.<export_format:fmt>",
        log_export,
        name="log_export",
    ),
    path("deployments/<int:deployment_id>/log/share/", views.log_share, name="log_share"),
    path("deployments/<int:deployment_id>/log/sign/", views.log_sign, name="log_sign"),
    path(
        "deployments/<int:deployment_id>/concerns/new/", views.concern_raise, name="concern_raise"
    ),
    path("visits/<int:visit_id>/", views.detail, name="detail"),
    path("visits/<int:visit_id>/note.pdf", views.note_pdf, name="note_pdf"),
    path("visits/<int:visit_id>/visit.ics", views.visit_ics, name="visit_ics"),
    path("visits/<int:visit_id>/agree/", views.agree, name="agree"),
    path("visits/<int:visit_id>/edit/", views.edit, name="edit"),
    path("visits/<int:visit_id>/sign-off/", views.sign_off, name="sign_off"),
    path(
        "action-points/<int:pk>/complete/",
        views.action_point_complete,
        name="action_point_complete",
    ),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/<int:concern_id>/", views.concern, name="concern"),
    path(
        "concerns/named-person/<int:organisation_id>/",
        views.concern_contact,
        name="concern_contact",
    ),
]
