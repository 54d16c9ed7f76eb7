from django.urls import path

from syslead.documents import views

app_name = "documents"

urlpatterns = [
    path("request/<int:request_id>/add/", views.document_add_to_request, name="add_to_request"),
    path(
        "agreement/<int:deployment_id>/add/",
        views.document_add_to_agreement,
        name="add_to_agreement",
    ),
    path("<int:document_id>/download/", views.document_download, name="download"),
    path("<int:document_id>/remove/", views.document_remove, name="remove"),
]
