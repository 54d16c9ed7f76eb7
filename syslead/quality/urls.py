"""Quality assurance: sampled notes of visit and evaluations, annual performance feedback, and
concerns about or from a leader."""

from django.urls import path

from syslead.quality import views, views_concerns

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:organisation_id>/samples/draw/", views.draw, name="draw"),
    path("samples/<int:sample_id>/", views.sample, name="sample"),
    path(
        "<int:organisation_id>/feedback/<str:year>/<int:leader_id>/",
        views.feedback,
        name="feedback",
    ),
    path("my-feedback/", views.my_feedback, name="my_feedback"),
    path("concerns/", views_concerns.concern_list, name="concerns"),
    path("concerns/<int:leader_concern_id>/", views_concerns.concern_detail, name="concern"),
    path(
        "deployments/<int:deployment_id>/concerns/new/",
        views_concerns.concern_raise,
        name="concern_raise",
    ),
    path(
        "<int:organisation_id>/concerns/new/",
        views_concerns.concern_raise_for,
        name="concern_raise_for",
    ),
]
