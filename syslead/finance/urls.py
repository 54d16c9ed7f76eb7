"""Charging pages, mounted at ``charging/``."""

from django.urls import URLPattern, path

from syslead.finance import views

app_name = "finance"
urlpatterns: list[URLPattern] = [
    path("", views.charging, name="charging"),
    path("<int:organisation_id>/", views.charging_policy, name="charging_policy"),
]
