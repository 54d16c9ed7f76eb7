"""Imports of a broker's records."""

from django.urls import path

from syslead.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/leaders/", views.leaders_upload, name="leaders"),
    path("imports/leaders/<int:upload_id>/", views.leaders_preview, name="leaders_preview"),
    path("imports/leaders/<int:upload_id>/confirm/", views.leaders_confirm, name="leaders_confirm"),
    path("imports/leaders/template.<str:kind>", views.leaders_template, name="leaders_template"),
]
