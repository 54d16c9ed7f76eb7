from django.urls import path

from syslead.core import views

app_name = "core"
urlpatterns = [
    path("", views.home_page, name="home"),
    path("about-the-data/", views.about_data, name="about_data"),
    path("activity/", views.activity, name="activity"),
]
