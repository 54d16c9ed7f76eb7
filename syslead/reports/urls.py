from django.urls import path

from syslead.reports import views, views_annual, views_impact
from syslead.reports.exports import impact_export, kpi_export

app_name = "reports"

urlpatterns = [
    path("kpis/", views.kpi_report, name="kpis"),
    path("kpis/export.<export_format:fmt>", kpi_export, name="kpis_export"),
    path("impact/", views_impact.impact_report, name="impact"),
    path("impact/export.<export_format:fmt>", impact_export, name="impact_export"),
    path("annual/", views_annual.annual_report_page, name="annual"),
    path("annual/<int:report_id>/report.pdf", views_annual.annual_report_pdf, name="annual_pdf"),
    path("annual/<int:report_id>/report.xlsx", views_annual.annual_report_xlsx, name="annual_xlsx"),
]
