"""Invoices: a deployment's list at ``deployments/<id>/invoices/``, each at ``invoices/<id>/``;
remittance advices at ``remittances/<id>/``."""

from django.urls import path

from syslead.invoicing import views
from syslead.invoicing.exports import invoice_export

app_name = "invoicing"
urlpatterns = [
    path("deployments/<int:deployment_id>/invoices/", views.invoice_list, name="list"),
    path(
        "deployments/<int:deployment_id>/invoices/export.<export_format:fmt>",
        invoice_export,
        name="export",
    ),
    path("deployments/<int:deployment_id>/invoices/draft/", views.invoice_draft, name="draft"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("invoices/<int:invoice_id>/issue/", views.invoice_issue, name="issue"),
    path("invoices/<int:invoice_id>/paid/", views.invoice_paid, name="paid"),
    path("invoices/<int:invoice_id>/cancel/", views.invoice_cancel, name="cancel"),
    path("invoices/<int:invoice_id>/invoice.pdf", views.invoice_pdf_view, name="pdf"),
    path("invoices/<int:invoice_id>/remit/", views.remittance_new, name="remit"),
    path("remittances/<int:remittance_id>/", views.remittance_detail, name="remittance"),
    path(
        "remittances/<int:remittance_id>/remittance.pdf",
        views.remittance_pdf_view,
        name="remittance_pdf",
    ),
]
