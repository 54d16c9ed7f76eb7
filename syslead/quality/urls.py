"""Quality assurance: sampled notes of visit and annual performance feedback."""

from django.urls import path

from syslead.quality import views

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
]
