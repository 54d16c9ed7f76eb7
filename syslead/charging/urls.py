"""Charging pages, mounted at ``charging/``."""

from django.urls import URLPattern, path

from syslead.charging import views

app_name = "charging"
urlpatterns: list[URLPattern] = [
    path("", views.charging, name="charging"),
    path("<int:organisation_id>/", views.charging_policy, name="charging_policy"),
    path("agreements/<int:deployment_id>/", views.agreement_charging, name="agreement"),
]
