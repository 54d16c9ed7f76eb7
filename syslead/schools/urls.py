from django.urls import path

from syslead.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:urn>/", views.detail, name="detail"),
]
