from django.urls import URLPattern, URLResolver, path

from syslead.brokering.exports import request_export, unmet_demand_export
from syslead.brokering.views import (
    allocation,
    brokering,
    direct_approaches,
    direct_commissions,
    first_meeting,
    no_account,
    reports,
    requests,
    sharing,
    sips,
    suggest,
    weights,
)

app_name = "brokering"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", requests.request_list, name="list"),
    path("export.<export_format:fmt>", request_export, name="export"),
    path("new/", requests.request_new, name="new"),
    path("new/school/", requests.request_new_school, name="new_school"),
    path("new/local-authority/", requests.request_new_la, name="new_la"),
    path(
        "direct/by-email/",
        direct_commissions.direct_commission_by_email,
        name="direct_commission_by_email",
    ),
    path(
        "direct/<int:leader_id>/",
        direct_commissions.direct_commission_new,
        name="direct_commission_new",
    ),
    path(
        "<int:request_id>/direct/record/",
        direct_commissions.direct_commission_record,
        name="direct_commission_record",
    ),
    path("schools/suggest/", suggest.school_suggestions, name="school_suggestions"),
    path("named-sips/", sips.named_sips_index, name="named_sips_index"),
    path("named-sips/<slug:slug>/", sips.named_sips, name="named_sips"),
    path(
        "named-sips/<slug:slug>/<int:named_id>/end/",
        sips.named_sip_end,
        name="named_sip_end",
    ),
    path("<int:request_id>/", requests.request_detail, name="detail"),
    path("<int:request_id>/excluded/", requests.request_excluded, name="excluded"),
    path("<int:request_id>/withdraw/", requests.request_withdraw, name="withdraw"),
    path("<int:request_id>/first-meeting/", first_meeting.first_meeting, name="first_meeting"),
    path("<int:request_id>/invite-head/", no_account.request_invite_head, name="invite_head"),
    path("<int:request_id>/waiting-list/", requests.request_waiting_list, name="waiting_list"),
    path("<int:request_id>/shortlist/", brokering.shortlist_save, name="shortlist_save"),
    path(
        "<int:request_id>/shortlist/<int:entry_id>/swap/",
        brokering.shortlist_swap,
        name="shortlist_swap",
    ),
    path(
        "<int:request_id>/shortlist/judgement/",
        brokering.shortlist_judgement,
        name="shortlist_judgement",
    ),
    path("<int:request_id>/approaches/", brokering.approaches_send, name="approaches_send"),
    path("<int:request_id>/choose/", brokering.choose, name="choose"),
    path("<int:request_id>/share/", sharing.commission_new, name="commission_new"),
    path("approaches/", brokering.approach_inbox, name="approaches"),
    path("approaches/direct/", direct_approaches.direct_approach_tell, name="direct_approach_tell"),
    path("approaches/<int:approach_id>/", brokering.approach_answer, name="approach"),
    path(
        "approaches/<int:approach_id>/withdraw/",
        brokering.approach_withdraw,
        name="approach_withdraw",
    ),
    path(
        "approaches/<int:approach_id>/expire/",
        brokering.approach_expire,
        name="approach_expire",
    ),
    path("direct-approaches/", direct_approaches.direct_approach_list, name="direct_approaches"),
    path(
        "direct-approaches/new/", direct_approaches.direct_approach_new, name="direct_approach_new"
    ),
    path("weights/", weights.matching_weights, name="weights"),
    path("commissions/", sharing.commission_list, name="commissions"),
    path("commissions/<int:commission_id>/", sharing.commission_decide, name="commission"),
    path("allocation/", allocation.allocation_index, name="allocation"),
    path("allocation/<int:run_id>/", allocation.allocation_run, name="allocation_run"),
    path(
        "allocation/<int:run_id>/approve/",
        allocation.allocation_approve,
        name="allocation_approve",
    ),
    path(
        "allocation/<int:run_id>/matches/<int:match_id>/",
        allocation.draft_match_edit,
        name="draft_match_edit",
    ),
    path(
        "schools-that-could-benefit/",
        reports.schools_that_could_benefit,
        name="schools_that_could_benefit",
    ),
    path("unmet-demand/", reports.unmet_demand_report, name="unmet_demand"),
    path(
        "unmet-demand/export.<export_format:fmt>",
        unmet_demand_export,
        name="unmet_demand_export",
    ),
]
