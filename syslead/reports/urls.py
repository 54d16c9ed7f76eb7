from django.urls import path

from syslead.reports import views
from syslead.reports.exports import kpi_export

app_name = "reports"

urlpatterns = [
    path("kpis/", views.kpi_report, name="kpis"),
    path("kpis/export.<export_format:fmt>", kpi_export, name="kpis_export"),
]
