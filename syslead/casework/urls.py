from django.urls import URLPattern, URLResolver, path

from syslead.casework import views

app_name = "casework"
urlpatterns: list[URLPattern | URLResolver] = [
    path("chase/<str:kind>/<int:target_id>/", views.chase, name="chase"),
]
