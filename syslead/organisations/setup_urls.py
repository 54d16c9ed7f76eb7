from django.urls import URLPattern, URLResolver, path

from syslead.organisations import setup_views

app_name = "brokers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("new/", setup_views.broker_pick, name="pick"),
    path("new/set-up/", setup_views.broker_set_up, name="set_up"),
]
