from django.urls import URLPattern, URLResolver, path

from syslead.leaders.exports import directory_export
from syslead.leaders.views import (
    agreements,
    associations,
    capacity,
    designations,
    directory,
    moves,
    profiles,
    training,
    training_network,
)

app_name = "leaders"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", directory.directory, name="directory"),
    path("export.<export_format:fmt>", directory_export, name="directory_export"),
    path("new/", profiles.leader_new, name="new"),
    path("me/", profiles.my_profile, name="my_profile"),
    path("capacity/", capacity.capacity_overview, name="capacity"),
    path("me/edit/", profiles.my_profile_edit, name="my_profile_edit"),
    path(
        "me/designations/<int:designation_id>/no-longer-met/",
        profiles.declare_no_longer_meets,
        name="declare",
    ),
    path("<int:leader_id>/", profiles.leader_detail, name="detail"),
    path("<int:leader_id>/edit/", profiles.leader_edit, name="edit"),
    path("<int:leader_id>/designate/", designations.designate, name="designate"),
    path("<int:leader_id>/associate/", associations.associate, name="associate"),
    path("<int:leader_id>/listing/", associations.directory_listing, name="listing"),
    path("<int:leader_id>/governance/", agreements.governance, name="governance"),
    path("<int:leader_id>/release/", capacity.leader_release, name="leader_release"),
    path("<int:leader_id>/move-school/", moves.move_school, name="move_school"),
    path("designation-types/", designations.designation_types, name="designation_types"),
    path("designations/<int:designation_id>/revoke/", designations.revoke, name="revoke"),
    path(
        "designations/<int:designation_id>/review/",
        designations.designation_review,
        name="designation_review",
    ),
    path("rounds/", designations.rounds, name="rounds"),
    path("rounds/new/", designations.round_new, name="round_new"),
    path("rounds/<int:round_id>/", designations.round_detail, name="round"),
    path("rounds/<int:round_id>/apply/", designations.apply, name="apply"),
    path(
        "applications/<int:application_id>/",
        designations.application_detail,
        name="application",
    ),
    path(
        "applications/<int:application_id>/stage/",
        designations.application_stage,
        name="application_stage",
    ),
    path(
        "associations/<int:association_id>/end/",
        associations.association_end_view,
        name="association_end",
    ),
    path(
        "associations/<int:association_id>/contact/",
        agreements.association_contact,
        name="association_contact",
    ),
    path("agreements/", agreements.agreements_index, name="agreements"),
    path("agreements/<int:organisation_id>/", agreements.agreement, name="agreement"),
    path(
        "agreements/<int:organisation_id>/remind/<int:association_id>/",
        agreements.agreement_remind_view,
        name="agreement_remind",
    ),
    path(
        "me/agreements/<int:agreement_id>/",
        agreements.agreement_sign_view,
        name="agreement_sign",
    ),
    path(
        "associations/<int:association_id>/review/",
        associations.association_review,
        name="association_review",
    ),
    path(
        "association-reviews/<int:review_id>/close/",
        associations.association_review_close_view,
        name="association_review_close",
    ),
    path("release/", capacity.headteacher_release, name="release"),
    path("policy/", capacity.policy_index, name="policy_index"),
    path("policy/<int:organisation_id>/", capacity.policy_edit, name="policy"),
    path("training/", training.training_list, name="training"),
    path("training/new/", training.training_new, name="training_new"),
    path("training/<int:event_id>/", training.training_event, name="training_event"),
    path(
        "training/<int:event_id>/event.ics",
        training.training_event_ics,
        name="training_event_ics",
    ),
    path(
        "training/<int:event_id>/invite/",
        training_network.training_invite,
        name="training_invite",
    ),
    path(
        "training/<int:event_id>/feedback/",
        training_network.training_feedback,
        name="training_feedback",
    ),
    path(
        "<int:leader_id>/termly-review/",
        training_network.termly_review_new,
        name="termly_review_new",
    ),
    path(
        "training-needs/<int:need_id>/met/",
        training_network.training_need_met,
        name="training_need_met",
    ),
]
