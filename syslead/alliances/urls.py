"""The alliance: members and the MOU, termly meetings, attendance and the board's referrals."""

from django.urls import path

from syslead.alliances import views

app_name = "alliances"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:organisation_id>/", views.alliance, name="alliance"),
    path("<int:organisation_id>/members/add/", views.member_add, name="member_add"),
    path("members/<int:member_id>/", views.member, name="member"),
    path("members/<int:member_id>/mou/", views.member_mou, name="member_mou"),
    path("members/<int:member_id>/details/", views.member_details, name="member_details"),
    path("members/<int:member_id>/leave/", views.member_leave, name="member_leave"),
    path("<int:organisation_id>/meetings/", views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/invitation.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:meeting_id>/invite/", views.meeting_invite, name="meeting_invite"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("<int:organisation_id>/referrals/", views.referrals, name="referrals"),
    path("members/<int:member_id>/decision/", views.board_decision, name="board_decision"),
]
