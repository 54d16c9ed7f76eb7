"""People (invitations) for coordinators and administrators, and the invitation link itself."""

from django.urls import path

from syslead.invitations import views

app_name = "invitations"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite_person, name="invite"),
    path("people/invite/role/", views.invite_role, name="invite_role"),
    path("people/invite/where/", views.invite_place, name="invite_place"),
    path("people/invite/check/", views.invite_check, name="invite_check"),
    path("people/invitations/<int:invitation_id>/resend/", views.resend, name="resend"),
    path("people/invitations/<int:invitation_id>/cancel/", views.cancel, name="cancel"),
    path("invitations/<str:token>/", views.accept, name="accept"),
]
