"""The board: members, the year's targets, the action plan and the budget."""

from django.urls import path

from syslead.boards import views

app_name = "boards"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:organisation_id>/", views.board, name="board"),
    path("<int:organisation_id>/members/add/", views.member_add, name="member_add"),
    path("members/<int:board_member_id>/", views.member_edit, name="member_edit"),
    path("<int:organisation_id>/<str:year>/targets/", views.targets, name="targets"),
    path("<int:organisation_id>/<str:year>/actions/add/", views.action_add, name="action_add"),
    path("actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/remove/", views.action_remove, name="action_remove"),
    path("<int:organisation_id>/<str:year>/budget/add/", views.budget_add, name="budget_add"),
    path("budget/<int:line_id>/", views.budget_edit, name="budget_edit"),
    path("budget/<int:line_id>/remove/", views.budget_remove, name="budget_remove"),
]
