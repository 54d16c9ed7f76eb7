"""Imports of a broker's records: system leaders, and people (who are invited)."""

from django.urls import path

from syslead.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/<str:kind>/<int:upload_id>/", views.preview, name="preview"),
    path("imports/<str:kind>/<int:upload_id>/confirm/", views.confirm, name="confirm"),
    path("imports/<str:kind>/", views.upload, name="upload"),
    path("imports/<str:kind>/template.<str:extension>", views.template, name="template"),
]
