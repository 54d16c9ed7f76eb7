from django.urls import path

from syslead.reports import views

app_name = "reports"

urlpatterns = [
    path("kpis/", views.kpi_report, name="kpis"),
]
