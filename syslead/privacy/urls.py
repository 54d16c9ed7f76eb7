"""Data protection: the public privacy notice; for administrators, subject access exports,
erasure, the retention runs; the log of who read a sensitive record."""

from django.urls import path

from syslead.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/exports/", views.export_start, name="export_start"),
    path("people/<int:user_id>/erase/", views.erase, name="erase"),
    path("exports/<int:export_id>/", views.export_page, name="export"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("reads/<str:kind>/<int:record_id>/", views.reads, name="reads"),
    path("retention/", views.retention_runs, name="retention"),
]
