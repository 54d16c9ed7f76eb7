"""Top-level URLs: each business area mounts its own."""

from django.contrib import admin
from django.urls import include, path

from syslead.api.main import api

admin.site.site_header = "Syslead administration"
admin.site.site_title = "Syslead admin"

urlpatterns = [
    path("", include("syslead.operations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("syslead.calendars.urls")),
    path("accounts/", include("syslead.accounts.urls")),
    path("schools/", include("syslead.schools.urls")),
    path("leaders/", include("syslead.leaders.urls")),
    path("organisations/", include("syslead.organisations.urls")),
    path("brokers/", include("syslead.organisations.setup_urls")),
    path("requests/", include("syslead.brokering.urls")),
    path("inbox/", include("syslead.notifications.urls")),
    path("deployments/", include("syslead.deployments.urls")),
    path("charging/", include("syslead.charging.urls")),
    path("reports/", include("syslead.reports.urls")),
    path("quality/", include("syslead.quality.urls")),
    path("governors/", include("syslead.governors.urls")),
    path("privacy/", include("syslead.privacy.urls")),
    path("alliances/", include("syslead.alliances.urls")),
    path("board/", include("syslead.boards.urls")),
    path("", include("syslead.invitations.urls")),
    path("", include("syslead.imports.urls")),
    path("casework/", include("syslead.casework.urls")),
    path("documents/", include("syslead.documents.urls")),
    path("", include("syslead.visits.urls")),
    path("", include("syslead.invoicing.urls")),
    path("", include("syslead.evaluation.urls")),
    path("", include("syslead.core.urls")),
]

handler400 = "syslead.core.errors.bad_request"
