"""The agreement pages, mounted at ``deployments/`` (the delivery pages share the prefix:
``deployments/<id>/delivery/`` and the like are the visits and evaluation areas')."""

from django.urls import URLPattern, path

from syslead.deployments.exports import agreement_export
from syslead.deployments.views import (
    agreements,
    changes,
    closing,
    copied_in,
    draft,
    drafting,
    package_proposals,
    paper,
    sending,
    signing,
)

app_name = "deployments"
urlpatterns: list[URLPattern] = [
    path("", agreements.agreement_list, name="list"),
    path("export.<export_format:fmt>", agreement_export, name="export"),
    path("new/", drafting.agreement_new, name="new"),
    path("new/<int:request_id>/", draft.agreement_create, name="create"),
    path("new/<int:request_id>/leader/", drafting.agreement_choose_leader, name="choose_leader"),
    path("new/<int:request_id>/check/", draft.agreement_create_check, name="create_check"),
    path("new/<int:request_id>/<slug:section>/", draft.agreement_create, name="create_section"),
    path("<int:deployment_id>/", agreements.agreement_detail, name="detail"),
    path("<int:deployment_id>/agreement.pdf", agreements.agreement_pdf_view, name="pdf"),
    path("<int:deployment_id>/send/", sending.agreement_send, name="send"),
    path("<int:deployment_id>/sip-agreement/", sending.agreement_sip_answer, name="sip_answer"),
    path("<int:deployment_id>/sign/", signing.agreement_sign, name="sign"),
    path(
        "<int:deployment_id>/sign-for-chair/",
        signing.agreement_sign_for_chair,
        name="sign_for_chair",
    ),
    path("<int:deployment_id>/invite-signer/", paper.agreement_invite_signer, name="invite_signer"),
    path(
        "<int:deployment_id>/invitations/<int:invitation_id>/resend/",
        paper.agreement_invitation_resend,
        name="invitation_resend",
    ),
    path("<int:deployment_id>/sign-on-paper/", paper.agreement_sign_on_paper, name="sign_on_paper"),
    path(
        "<int:deployment_id>/signatures/<str:party>/scan/",
        paper.agreement_signature_scan,
        name="signature_scan",
    ),
    path("<int:deployment_id>/copied-in/", copied_in.agreement_copied_in, name="copied_in"),
    path(
        "<int:deployment_id>/copied-in/<int:row_id>/remove/",
        copied_in.agreement_copied_in_remove,
        name="copied_in_remove",
    ),
    path("<int:deployment_id>/edit/", draft.agreement_edit, name="edit"),
    path("<int:deployment_id>/edit/check/", draft.agreement_edit_check, name="edit_check"),
    path("<int:deployment_id>/edit/<slug:section>/", draft.agreement_edit, name="edit_section"),
    path("<int:deployment_id>/amend/", draft.agreement_amend, name="amend"),
    path("<int:deployment_id>/amend/check/", draft.agreement_amend_check, name="amend_check"),
    path("<int:deployment_id>/amend/<slug:section>/", draft.agreement_amend, name="amend_section"),
    path("<int:deployment_id>/change/", changes.agreement_change, name="change"),
    path("<int:deployment_id>/exit/", changes.agreement_exit, name="exit"),
    path("<int:deployment_id>/unavailable/", changes.agreement_unavailable, name="unavailable"),
    path("<int:deployment_id>/complete/", changes.agreement_complete, name="complete"),
    path("<int:deployment_id>/cancel/", changes.agreement_cancel, name="cancel"),
    path(
        "<int:deployment_id>/close-out/statement/",
        closing.close_out_statement,
        name="close_out_statement",
    ),
    path(
        "<int:deployment_id>/close-out/sign-off/",
        closing.close_out_sign_off,
        name="close_out_sign_off",
    ),
    path(
        "<int:deployment_id>/close-out/further-support/",
        closing.close_out_further_support,
        name="close_out_further_support",
    ),
    path("<int:deployment_id>/disputes/new/", closing.dispute_new, name="dispute_new"),
    path(
        "<int:deployment_id>/disputes/<int:dispute_id>/outcome/",
        closing.dispute_resolve,
        name="dispute_resolve",
    ),
    path("<int:deployment_id>/package/", changes.agreement_package, name="package"),
    path(
        "packages/<int:package_id>/propose/",
        package_proposals.package_propose,
        name="package_propose",
    ),
    path(
        "package-proposals/<int:proposal_id>/",
        package_proposals.package_proposal,
        name="package_proposal",
    ),
]
