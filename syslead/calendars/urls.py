"""The calendars' addresses: term dates under their organisation, the feed, its reset."""

from django.urls import path, re_path

from syslead.calendars import views

app_name = "calendars"
urlpatterns = [
    path("term-dates/", views.term_dates_index, name="term_dates_index"),
    path("organisations/<slug:slug>/term-dates/", views.term_dates, name="term_dates"),
    path(
        "organisations/<slug:slug>/term-dates/<str:year>/",
        views.term_dates_edit,
        name="term_dates_edit",
    ),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", views.feed, name="feed"),
    path("accounts/calendar/reset/", views.feed_reset, name="feed_reset"),
]
