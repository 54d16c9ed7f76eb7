from django.urls import path

from syslead.operations import health

app_name = "operations"
urlpatterns = [
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
]
