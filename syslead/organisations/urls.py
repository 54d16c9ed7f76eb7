from django.urls import URLPattern, URLResolver, path

from syslead.organisations import views

app_name = "organisations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/", views.organisation_page, name="public"),
    path("<slug:slug>/directory/", views.organisation_directory, name="directory"),
    path("<slug:slug>/apply/", views.organisation_apply, name="apply"),
]
