"""The access matrix, as data: for every web page and API operation, the status each role gets.

Read a row as: ``METHOD  name-or-path  [@variant]`` then one status per role, in the order of
``ROLES``. The roles are the people of the *own* organisation (Lincolnshire County Council, a local
authority broker): its coordinator, broker lead and SIP; Lee, its system leader; Lee's home
headteacher; the headteacher of the school Lee supports; then a coordinator of a third broker
("other") and an anonymous visitor. The administrator is the superuser.

Unless a row says ``@own``, every parameter of the URL is an object of *another* organisation
(South Gloucestershire Council): none of the roles but the administrator may see it, so each must
get 404 (or 403 where the page is one their role may never use, whatever the id: that tells them
nothing). ``@own`` rows fill the parameters with the own organisation's objects and show what
each role may do with its own records. ``@la`` / ``@own-la`` use the records on the local authority
route (the SIP's). See docs/access-matrix.md.

Statuses: 200 the page or answer; 201/202 created/accepted; 302 web: anonymous sent to sign in
(or, signed in, sent on after a form); 400 malformed; 401 API without a token; 403 known but not
allowed; 404 unknown or not visible to the caller; 405 wrong method; 409 a business rule; 422 bad
fields (an empty form or body that reached validation: the caller was allowed); ``-`` not asked
(the administrator on Django's admin site, whose permissions are Django's, by model).

A comment after a row gives the reason for a cell whose status is not obvious.
"""

from __future__ import annotations

from typing import Any

from syslead.core.tests.access_world import VISIT_ON, YEAR, World

ROLES = ("admin", "coord", "blead", "sip", "leader", "home", "client", "other", "anon")
VARIANTS = ("", "own", "la", "own-la")

# fmt: off
# Web pages. A row may end in * to cover several patterns (the admin site's).
WEB = """
# method name                                              admin  coord  blead    sip leader   home client  other   anon

# api
GET api:openapi-json                                         200    200    200    200    200    200    200    200    200
GET api:openapi-view                                         200    200    200    200    200    200    200    200    200
GET api:api-root                                             200    200    200    200    200    200    200    200    200
GET api:unknown                                              404    404    404    404    404    404    404    404    404

# accounts
GET accounts:login                                           302    302    302    302    302    302    302    302    200
GET accounts:logout                                          405    405    405    405    405    405    405    405    405
POST accounts:logout                                         302    302    302    302    302    302    302    302    302
GET accounts:password_reset                                  200    200    200    200    200    200    200    200    200
GET accounts:password_reset_done                             200    200    200    200    200    200    200    200    200
GET accounts:password_reset_confirm                          200    200    200    200    200    200    200    200    200
GET accounts:password_reset_complete                         200    200    200    200    200    200    200    200    200
GET accounts:password_change                                 200    200    200    200    200    200    200    200    302
GET accounts:password_change_done                            200    200    200    200    200    200    200    200    302

# schools
GET schools:search                                           200    200    200    200    200    200    200    200    302
GET schools:detail                                           200    200    200    200    200    200    200    200    302

# leaders
GET leaders:directory                                        200    200    200    200    403    403    403    200    302
GET leaders:directory_export                               200    200    200    200    403    403    403    200    302  # each coordinator only its own leaders
GET leaders:new                                              200    200    403    403    403    403    403    200    302
GET leaders:capacity                                         200    200    403    403    403    403    403    200    302  # each coordinator only its own leaders
GET leaders:my_profile                                       403    403    403    403    200    403    403    403    302
GET leaders:my_profile_edit                                  403    403    403    403    200    403    403    403    302
GET leaders:declare                                          403    403    403    403    404    403    403    403    302
GET leaders:declare @own                                     403    403    403    403    200    403    403    403    302
POST leaders:declare                                         403    403    403    403    404    403    403    403    302
GET leaders:detail                                           200    404    404    404    404    404    404    404    302
GET leaders:detail @own                                      200    200    200    200    200    200    404    404    302
POST leaders:detail                                          200    404    404    404    404    404    404    404    302
GET leaders:edit                                             200    404    404    404    404    404    404    404    302
GET leaders:edit @own                                        200    200    403    403    403    403    404    404    302
POST leaders:edit                                            200    404    404    404    404    404    404    404    302
GET leaders:listing                                          405    405    405    405    405    405    405    405    302
POST leaders:listing                                         404    404    404    404    404    404    404    404    302  # admin: no organisation named
POST leaders:listing @own                                    404    404    403    403    403    403    404    404    302  # coordinators: no organisation named
GET leaders:designate                                        200    404    404    404    404    404    404    404    302
POST leaders:designate                                       200    404    404    404    404    404    404    404    302
GET leaders:associate                                        200    404    404    404    404    404    404    404    302
POST leaders:associate                                       200    404    404    404    404    404    404    404    302
GET leaders:leader_release                                   200    404    404    404    404    404    404    404    302
GET leaders:leader_release @own                              200    200    403    403    403    200    404    404    302
POST leaders:leader_release                                  200    404    404    404    404    404    404    404    302
GET leaders:move_school                                      200    404    404    404    404    404    404    404    302
GET leaders:move_school @own                                 200    200    403    403    200    403    404    404    302
POST leaders:move_school                                     200    404    404    404    404    404    404    404    302
POST leaders:move_school @own                                200    200    403    403    200    403    404    404    302
GET leaders:designation_types                                200    200    403    403    403    403    403    200    302
GET leaders:revoke                                           200    404    404    404    404    404    404    404    302
POST leaders:revoke                                          200    404    404    404    404    404    404    404    302
GET leaders:designation_review                               200    404    404    404    404    404    404    404    302
POST leaders:designation_review                              200    404    404    404    404    404    404    404    302
GET leaders:rounds                                           200    200    200    200    403    403    403    200    302
GET leaders:round_new                                        200    200    403    403    403    403    403    200    302
GET leaders:round                                            200    404    404    404    404    404    404    404    302
GET leaders:round @own                                       200    200    200    200    404    404    404    404    302
POST leaders:round                                           200    404    404    404    404    404    404    404    302
GET leaders:apply                                            403    403    403    403    200    403    403    403    302
POST leaders:apply                                           403    403    403    403    200    403    403    403    302
GET leaders:application                                      200    404    404    404    404    404    404    404    302
GET leaders:application @own                                 200    200    200    200    404    404    404    404    302
POST leaders:application                                     200    404    404    404    404    404    404    404    302
GET leaders:application_stage                                405    405    405    405    405    405    405    405    302
POST leaders:application_stage                               400    404    404    404    404    404    404    404    302
GET leaders:association_end                                  200    404    404    404    404    404    404    404    302
POST leaders:association_end                                 200    404    404    404    404    404    404    404    302
GET leaders:association_review                               302    404    404    404    404    404    404    404    302
POST leaders:association_review                              302    404    404    404    404    404    404    404    302
GET leaders:association_review_close                         200    404    404    404    404    404    404    404    302
POST leaders:association_review_close                        200    404    404    404    404    404    404    404    302
GET leaders:agreements                                      200    302    403    403    403    403    403    302    302  # one organisation: straight to its agreement
GET leaders:agreement                                        200    403    403    403    403    403    403    403    302
GET leaders:agreement @own                                   200    200    403    403    403    403    403    403    302
POST leaders:agreement                                       200    403    403    403    403    403    403    403    302  # admin: the empty form
POST leaders:agreement @own                                  200    200    403    403    403    403    403    403    302
GET leaders:agreement_remind                                 405    405    405    405    405    405    405    405    302
POST leaders:agreement_remind                                302    403    403    403    403    403    403    403    302  # admin: already signed, said on the page
POST leaders:agreement_remind @own                           302    302    403    403    403    403    403    403    302
GET leaders:agreement_sign                                   404    404    404    404    404    404    404    404    302
GET leaders:agreement_sign @own                              404    404    404    404    200    404    404    404    302  # only a leader associated with the broker
POST leaders:agreement_sign                                  404    404    404    404    404    404    404    404    302
POST leaders:agreement_sign @own                             404    404    404    404    200    404    404    404    302  # the leader: the empty form
GET leaders:association_contact                              200    404    404    404    404    404    404    404    302
GET leaders:association_contact @own                         200    200    403    403    403    403    404    404    302
POST leaders:association_contact                             200    404    404    404    404    404    404    404    302
POST leaders:association_contact @own                        200    200    403    403    403    403    404    404    302
GET leaders:governance                                       200    404    404    404    404    404    404    404    302
GET leaders:governance @own                                  200    200    200    200    200    200    404    404    302
POST leaders:governance                                      200    404    404    404    404    404    404    404    302
POST leaders:governance @own                                 200    200    403    403    200    403    404    404    302
GET leaders:release                                          403    403    403    403    403    200    200    403    302
GET leaders:policy_index                                     200    302    302    403    403    403    403    302    302
GET leaders:policy                                           200    403    403    403    403    403    403    403    302
GET leaders:policy @own                                      200    200    200    403    403    403    403    403    302
POST leaders:policy                                          200    403    403    403    403    403    403    403    302
GET leaders:training                                         200    200    200    200    403    403    403    200    302
GET leaders:training_new                                     200    200    403    403    403    403    403    200    302
GET leaders:training_event                                   200    404    404    404    404    404    404    404    302
GET leaders:training_event @own                              200    200    200    200    404    404    404    404    302
POST leaders:training_event                                  302    404    404    404    404    404    404    404    302
GET leaders:training_event_ics                               200    404    404    404    404    404    404    404    302
GET leaders:training_event_ics @own                          200    200    200    200    404    404    404    404    302
GET leaders:training_invite                                  200    404    404    404    404    404    404    404    302
GET leaders:training_invite @own                             200    200    403    403    404    404    404    404    302  # the coordinators invite
POST leaders:training_invite                                 200    404    404    404    404    404    404    404    302  # admin: the empty form's error
POST leaders:training_invite @own                            200    200    403    403    404    404    404    404    302
GET leaders:training_feedback                                404    404    404    404    404    404    404    404    302  # only delegates see it
GET leaders:training_feedback @own                           404    404    404    404    404    404    404    404    302  # Lee was neither invited nor on its register
POST leaders:training_feedback @own                          404    404    404    404    404    404    404    404    302
GET leaders:termly_review_new                                200    404    404    404    404    404    404    404    302
GET leaders:termly_review_new @own                           200    200    403    403    403    403    404    404    302  # the leader's associated organisation's coordinators
POST leaders:termly_review_new                               200    404    404    404    404    404    404    404    302  # admin: the empty form's errors
POST leaders:termly_review_new @own                          200    200    403    403    403    403    404    404    302
GET leaders:training_need_met                                405    405    405    405    405    405    405    405    302
POST leaders:training_need_met                               302    404    404    404    404    404    404    404    302
POST leaders:training_need_met @own                          302    302    403    403    403    403    404    404    302  # the review's organisation's coordinators

# organisations
GET organisations:public                                     200    200    200    200    200    200    200    200    200
GET organisations:directory                                  200    200    200    200    200    200    200    200    200
GET organisations:apply                                      200    200    200    200    200    200    200    200    200
POST organisations:apply                                     400    400    400    400    400    400    400    400    400  # anyone may apply; an empty form is refused

# brokering
GET brokering:list                                           200    200    200    200    200    200    200    200    302
GET brokering:export                                       200    200    200    200    200    200    200    200    302  # each person only the rows they see
GET brokering:new                                            302    302    403    302    403    302    302    302    302
GET brokering:new_school                                     403    403    403    403    403    200    200    403    302
GET brokering:new_la                                         200    200    403    200    403    403    403    200    302
GET brokering:school_suggestions                             400    400    400    400    400    400    400    400    302  # no "for": a JSON detail; the register is open to anyone signed in
POST brokering:school_suggestions                            405    405    405    405    405    405    405    405    302
GET brokering:named_sips_index                              200    302    403    403    403    403    403    403    302  # a local authority's coordinators; one authority: straight to it
POST brokering:named_sips_index                             405    405    405    405    405    405    405    405    302
GET brokering:named_sips                                    200    403    403    403    403    403    403    403    302  # organisations are public: 403
GET brokering:named_sips @own                               200    200    403    403    403    403    403    403    302
POST brokering:named_sips                                   200    403    403    403    403    403    403    403    302
POST brokering:named_sips @own                              200    200    403    403    403    403    403    403    302
GET brokering:named_sip_end                                 405    405    405    405    405    405    405    405    302
POST brokering:named_sip_end                                302    403    403    403    403    403    403    403    302
POST brokering:named_sip_end @own                           302    302    403    403    403    403    403    403    302
GET brokering:detail                                         200    404    404    404    404    404    404    404    302
GET brokering:detail @la                                     200    404    404    404    404    404    404    404    302
GET brokering:detail @own                                    200    200    200    404    200    404    200    404    302  # SIP: cannot see a school-route request
GET brokering:detail @own-la                                 200    200    200    200    404    404    404    404    302
POST brokering:detail                                        200    404    404    404    404    404    404    404    302
GET brokering:excluded                                       200    404    404    404    404    404    404    404    302
GET brokering:excluded @la                                   200    404    404    404    404    404    404    404    302
GET brokering:excluded @own                                  200    200    200    404    403    404    403    404    302  # leader, headteacher: see the request, not its shortlist; SIP: a school-route request
GET brokering:excluded @own-la                               200    200    200    403    404    404    404    404    302  # SIP: sees the request, not its shortlist
POST brokering:excluded                                      405    405    405    405    405    405    405    405    302
GET brokering:withdraw                                       200    404    404    404    404    404    404    404    302
GET brokering:withdraw @own                              200   200   403   404   403   404   200   404   302  # SIP: cannot see a school-route request
POST brokering:withdraw                                      200    404    404    404    404    404    404    404    302
GET brokering:invite_head                                    302    404    404    404    404    404    404    404    302  # the request does not wait on anyone without an account: back to it
GET brokering:invite_head @own                               302    302    403    404    403    404    403    404    302  # SIP: cannot see a school-route request
POST brokering:invite_head                                   302    404    404    404    404    404    404    404    302
GET brokering:waiting_list                                   200    404    404    404    404    404    404    404    302
GET brokering:waiting_list @own                              200    200    403    404    403    404    403    404    302  # SIP: cannot see a school-route request
POST brokering:waiting_list                                  302    404    404    404    404    404    404    404    302
POST brokering:waiting_list @own                             302    302    403    404    403    404    403    404    302
GET brokering:shortlist_save                                 405    405    405    405    405    405    405    405    302
POST brokering:shortlist_save                                302    404    404    404    404    404    404    404    302
GET brokering:shortlist_swap                                 200    404    404    404    404    404    404    404    302
POST brokering:shortlist_swap                                200    404    404    404    404    404    404    404    302
GET brokering:shortlist_judgement                          200    404    404    404    404    404    404    404    302
GET brokering:shortlist_judgement @own                     200    200    403    404    403    404    403    404    302  # leader: approached for it; SIP: a school-route request
POST brokering:shortlist_judgement                         200    404    404    404    404    404    404    404    302  # admin: an empty form shown again
POST brokering:shortlist_judgement @own                    200    200    403    404    403    404    403    404    302
GET brokering:approaches_send                                405    405    405    405    405    405    405    405    302
POST brokering:approaches_send                               200    404    404    404    404    404    404    404    302
GET brokering:choose                                         200    404    404    404    404    404    404    404    302
GET brokering:choose @own                                200   403   403   404   403   404   200   404   302  # SIP: cannot see a school-route request
POST brokering:choose                                        200    404    404    404    404    404    404    404    302
GET brokering:first_meeting                                  200    404    404    404    404    404    404    404    302
GET brokering:first_meeting @own                             200    200    403    404    200    404    403    404    302  # the chosen leader and the coordinators
POST brokering:first_meeting                                 200    404    404    404    404    404    404    404    302
POST brokering:first_meeting @own                            200    200    403    404    200    404    403    404    302  # no step posted: the page again
GET brokering:commission_new                                 200    404    404    404    404    404    404    404    302
POST brokering:commission_new                                200    404    404    404    404    404    404    404    302
GET brokering:approaches                                     200    403    403    403    200    403    403    403    302
GET brokering:direct_approach_tell                           403    403    403    403    200    403    403    403    302
GET brokering:approach                                       404    404    404    404    404    404    404    404    302
GET brokering:approach @own                                  404    404    404    404    200    404    404    404    302
POST brokering:approach                                      404    404    404    404    404    404    404    404    302
GET brokering:approach_withdraw                              200    404    404    404    404    404    404    404    302
POST brokering:approach_withdraw                             200    404    404    404    404    404    404    404    302
GET brokering:approach_expire                              405    405    405    405    405    405    405    405    302
POST brokering:approach_expire                             302    404    404    404    404    404    404    404    302
POST brokering:approach_expire @own                        302    302    403    404    403    404    403    404    302  # leader: the one approached
GET brokering:direct_approaches                              200    200    200    403    403    403    403    200    302
GET brokering:direct_commission_new                          403    403    403    403    403    404    404    403    302  # a headteacher's; the leader is not published
GET brokering:direct_commission_new @own                     403    403    403    403    403    200    404    403    302  # home: sees Lee (the service refuses their own school)
POST brokering:direct_commission_new @own                    403    403    403    403    403    200    404    403    302  # an empty form: errors on the page
GET brokering:direct_commission_by_email                     403    403    403    403    403    200    200    403    302
POST brokering:direct_commission_by_email                    403    403    403    403    403    200    200    403    302  # an empty form: errors on the page
GET brokering:direct_commission_record                       405    405    405    405    405    405    405    405    302
POST brokering:direct_commission_record                      302    404    404    404    404    404    404    404    302
POST brokering:direct_commission_record @own                 302    302    403    404    403    404    403    404    302  # no school named a leader: refused on the page
GET brokering:direct_approach_new                            200    200    403    403    403    403    403    200    302
GET brokering:weights                                        200    200    200    403    403    403    403    200    302
GET brokering:commissions                                    200    200    403    403    403    403    403    200    302
GET brokering:commission                                     200    404    404    404    404    404    404    404    302
GET brokering:commission @own                                200    200    404    404    404    404    404    404    302
POST brokering:commission                                    200    404    404    404    404    404    404    404    302
GET brokering:allocation                                     200    200    200    403    403    403    403    200    302
GET brokering:allocation_run                                 200    404    404    404    404    404    404    404    302
GET brokering:allocation_run @own                            200    200    200    404    404    404    404    404    302
POST brokering:allocation_run                                200    404    404    404    404    404    404    404    302
GET brokering:allocation_approve                             405    405    405    405    405    405    405    405    302
POST brokering:allocation_approve                            302    404    404    404    404    404    404    404    302
GET brokering:draft_match_edit                               200    404    404    404    404    404    404    404    302
GET brokering:draft_match_edit @own                          200    200    403    404    404    404    404    404    302
POST brokering:draft_match_edit                              200    404    404    404    404    404    404    404    302
GET brokering:schools_that_could_benefit                     200    200    200    200    403    403    403    200    302
GET brokering:unmet_demand                                   200    200    200    403    403    403    403    200    302
GET brokering:unmet_demand_export                          200    200    200    403    403    403    403    200    302

# notifications
GET notifications:inbox                                      200    200    200    200    200    200    200    200    302
GET notifications:open                                       404    404    404    404    404    404    404    404    302
GET notifications:open @own                                  404    302    404    404    404    404    404    404    302
GET notifications:read_all                                   405    405    405    405    405    405    405    405    302
POST notifications:read_all                                  302    302    302    302    302    302    302    302    302

# deployments
GET deployments:list                                         200    200    200    200    200    200    200    200    302
GET deployments:export                                     200    200    200    200    200    200    200    200    302  # each person only the agreements they see
GET deployments:new                                          200    200    403    403    403    403    403    200    302
GET deployments:create                                       302    404    404    404    404    404    404    404    302
POST deployments:create                                      302    404    404    404    404    404    404    404    302
GET deployments:create_section                              302    404    404    404    404    404    404    404    302  # the admin is sent to choose the leader first
POST deployments:create_section                             302    404    404    404    404    404    404    404    302
GET deployments:create_check                                302    404    404    404    404    404    404    404    302
POST deployments:create_check                               302    404    404    404    404    404    404    404    302
GET deployments:choose_leader                                200    404    404    404    404    404    404    404    302
POST deployments:choose_leader                               200    404    404    404    404    404    404    404    302
GET deployments:detail                                       200    404    404    404    404    404    404    404    302
GET deployments:detail @la                                   200    404    404    404    404    404    404    404    302
GET deployments:detail @own                                  200    200    200    200    200    200    200    404    302
GET deployments:detail @own-la                               200    200    200    200    200    200    404    404    302
POST deployments:detail                                      200    404    404    404    404    404    404    404    302
GET deployments:pdf                                          200    404    404    404    404    404    404    404    302
GET deployments:pdf @own                                     200    200    200    200    200    200    200    404    302
GET deployments:sign                                         403    403    403    403    403    403    403    403    302
GET deployments:sign @own                                    403    403    302    403    302    302    302    403    302
POST deployments:sign                                        403    403    403    403    403    403    403    403    302
GET deployments:sign_for_chair                               302    404    404    404    404    404    404    404    302
POST deployments:sign_for_chair                              302    404    404    404    404    404    404    404    302
GET deployments:invite_signer                                302    404    404    404    404    404    404    404    302
GET deployments:invite_signer @own                           302    302    403    403    403    403    403    404    302
POST deployments:invite_signer                               302    404    404    404    404    404    404    404    302
GET deployments:invitation_resend                            405    405    405    405    405    405    405    405    302
POST deployments:invitation_resend                           302    404    404    404    404    404    404    404    302
POST deployments:invitation_resend @own                      302    302    403    403    403    403    403    404    302
GET deployments:sign_on_paper                                302    404    404    404    404    404    404    404    302
GET deployments:send                                         302    404    404    404    404    404    404    404    302
GET deployments:send @own                                    302    302    403    403    403    403    403    404    302  # the own agreement is active: the coordinator is sent back to it
POST deployments:send                                        302    404    404    404    404    404    404    404    302
POST deployments:send @own                                   302    302    403    403    403    403    403    404    302
GET deployments:sip_answer                                   403    404    404    404    404    404    404    404    302
GET deployments:sip_answer @own-la                           403    403    403    403    403    403    404    404    302  # only the school's named SIP (the side's SIP is named for another school)
POST deployments:sip_answer                                  403    404    404    404    404    404    404    404    302
POST deployments:sip_answer @own-la                          403    403    403    403    403    403    404    404    302
GET deployments:sign_on_paper @own                           302    302    403    403    403    403    403    404    302
POST deployments:sign_on_paper                               302    404    404    404    404    404    404    404    302
# documents (a document: on the school-route agreement, added by the leader; @la: on the
# LA-route request, added by the SIP)
GET documents:download                                       200    404    404    404    404    404    404    404    302
GET documents:download @la                                   200    404    404    404    404    404    404    404    302
GET documents:download @own                                  200    200    200    200    200    200    200    404    302  # SIP: the school's named SIP
GET documents:download @own-la                               200    200    200    200    404    404    404    404    302
GET documents:remove                                         405    405    405    405    405    405    405    405    302
POST documents:remove                                        302    404    404    404    404    404    404    404    302
POST documents:remove @la                                    302    404    404    404    404    404    404    404    302
POST documents:remove @own                                   302    302    403    403    302    403    403    404    302  # the leader added it
POST documents:remove @own-la                                302    302    403    302    404    404    404    404    302  # the SIP added it
GET documents:add_to_request                                 200    404    404    404    404    404    404    404    302
GET documents:add_to_request @la                             200    404    404    404    404    404    404    404    302
GET documents:add_to_request @own                            200    200    403    404    403    404    200    404    302  # the leader is approached, not chosen
GET documents:add_to_request @own-la                         200    200    403    200    404    404    404    404    302
POST documents:add_to_request                                200    404    404    404    404    404    404    404    302
POST documents:add_to_request @own                           200    200    403    404    403    404    200    404    302
GET documents:add_to_agreement                               200    404    404    404    404    404    404    404    302
GET documents:add_to_agreement @la                           200    404    404    404    404    404    404    404    302
GET documents:add_to_agreement @own                          200    200    403    403    200    200    200    404    302
GET documents:add_to_agreement @own-la                       200    200    403    200    200    200    404    404    302
POST documents:add_to_agreement                              200    404    404    404    404    404    404    404    302
POST documents:add_to_agreement @own                         200    200    403    403    200    200    200    404    302

GET deployments:signature_scan                               404    404    404    404    404    404    404    404    302
GET deployments:signature_scan @own                          404    404    404    404    404    404    404    404    302
GET deployments:copied_in                                   200    404    404    404    404    404    404    404    302  # the other LA's SIP: 404
GET deployments:copied_in @la                               200    404    404    404    404    404    404    404    302
GET deployments:copied_in @own                              200    200    403    403    403    403    403    404    302  # the named SIP reads the agreement, manages nothing
GET deployments:copied_in @own-la                           200    200    403    403    403    403    404    404    302
POST deployments:copied_in                                  200    404    404    404    404    404    404    404    302
POST deployments:copied_in @own                             200    200    403    403    403    403    403    404    302
POST deployments:copied_in @own-la                          200    200    403    403    403    403    404    404    302
GET deployments:copied_in_remove                            405    405    405    405    405    405    405    405    302
POST deployments:copied_in_remove                           302    404    404    404    404    404    404    404    302
POST deployments:copied_in_remove @own                      302    302    403    403    403    403    404    404    302  # the LA-route agreement's
GET deployments:edit                                         302    404    404    404    404    404    404    404    302
POST deployments:edit                                        302    404    404    404    404    404    404    404    302
GET deployments:edit_section                                302    404    404    404    404    404    404    404    302  # signed: only amended, so sent back to it
POST deployments:edit_section                               302    404    404    404    404    404    404    404    302
GET deployments:edit_check                                  302    404    404    404    404    404    404    404    302
POST deployments:edit_check                                 302    404    404    404    404    404    404    404    302
GET deployments:amend                                        200    404    404    404    404    404    404    404    302
GET deployments:amend @own                                   200    200    403    403    403    403    403    404    302
POST deployments:amend                                       200    404    404    404    404    404    404    404    302
GET deployments:amend_section                                200    404    404    404    404    404    404    404    302
GET deployments:amend_section @own                           200    200    403    403    403    403    403    404    302
POST deployments:amend_section                               200    404    404    404    404    404    404    404    302  # an empty section: its errors
GET deployments:amend_check                                  200    404    404    404    404    404    404    404    302
GET deployments:amend_check @own                             200    200    403    403    403    403    403    404    302
POST deployments:amend_check                                 200    404    404    404    404    404    404    404    302  # no reason given: its error
GET deployments:change                                       200    404    404    404    404    404    404    404    302
POST deployments:change                                      200    404    404    404    404    404    404    404    302
GET deployments:exit                                         403    404    404    404    404    404    404    404    302
GET deployments:exit @own                                    403    403    403    403    200    403    200    404    302
POST deployments:exit                                        403    404    404    404    404    404    404    404    302
GET deployments:unavailable                                  403    404    404    404    404    404    404    404    302
POST deployments:unavailable                                 403    404    404    404    404    404    404    404    302
GET deployments:complete                                     200    404    404    404    404    404    404    404    302
POST deployments:complete                                    200    404    404    404    404    404    404    404    302  # not closed together yet: the refusal is on the form
GET deployments:close_out_statement                          403    404    404    404    404    404    404    404    302  # the leader's own statement
GET deployments:close_out_statement @own                     403    403    403    403    200    403    403    404    302
POST deployments:close_out_statement                         403    404    404    404    404    404    404    404    302
POST deployments:close_out_statement @own                    403    403    403    403    200    403    403    404    302
GET deployments:close_out_sign_off                           403    404    404    404    404    404    404    404    302  # the leader and the supported head sign off
GET deployments:close_out_sign_off @own                      403    403    403    403    200    403    200    404    302
POST deployments:close_out_sign_off                          403    404    404    404    404    404    404    404    302
POST deployments:close_out_sign_off @own                     403    403    403    403    200    403    200    404    302  # no statement yet: the refusal is on the form
GET deployments:close_out_further_support                    200    404    404    404    404    404    404    404    302
GET deployments:close_out_further_support @own               200    200    403    403    403    403    200    404    302  # school route: the supported head decides too
GET deployments:close_out_further_support @own-la            200    200    403    200    403    403    404    404    302  # LA route: the SIP (the world's LA agreement supports another school)
POST deployments:close_out_further_support                   200    404    404    404    404    404    404    404    302
POST deployments:close_out_further_support @own              200    200    403    403    403    403    200    404    302
GET deployments:dispute_new                                  200    404    404    404    404    404    404    404    302
GET deployments:dispute_new @own                             200    200    200    200    200    200    200    404    302  # anyone who sees the agreement
GET deployments:dispute_new @own-la                          200    200    200    200    200    200    404    404    302
POST deployments:dispute_new                                 200    404    404    404    404    404    404    404    302
POST deployments:dispute_new @own                            200    200    200    200    200    200    200    404    302
GET deployments:dispute_resolve                              200    404    404    404    404    404    404    404    302
GET deployments:dispute_resolve @own                         200    200    403    403    403    403    403    404    302  # the broker's coordinators
POST deployments:dispute_resolve                             200    404    404    404    404    404    404    404    302
POST deployments:dispute_resolve @own                        200    200    403    403    403    403    403    404    302
GET deployments:cancel                                       302    404    404    404    404    404    404    404    302
POST deployments:cancel                                      302    404    404    404    404    404    404    404    302
GET deployments:package                                      200    404    404    404    404    404    404    404    302
POST deployments:package                                     200    404    404    404    404    404    404    404    302
GET deployments:package_propose                              403    404    404    404    404    404    404    404    302  # admin: sees it, is not its lead
GET deployments:package_propose @own                         403    403    403    403    200    403    403    404    302  # only the package's lead leader
POST deployments:package_propose                             403    404    404    404    404    404    404    404    302
POST deployments:package_propose @own                        403    403    403    403    200    403    403    404    302  # an empty form: errors on the page
GET deployments:package_proposal                             200    404    404    404    404    404    404    404    302
GET deployments:package_proposal @own                        200    200    404    404    200    404    404    404    302  # the lead and the coordinators
POST deployments:package_proposal                            200    404    404    404    404    404    404    404    302
POST deployments:package_proposal @own                       200    200    404    404    403    404    404    404    302  # the lead reads it, a coordinator decides

# charging
GET charging:charging                                         200    302    302    403    403    403    403    302    302
GET charging:charging_policy                                  200    404    404    404    404    404    404    404    302
GET charging:charging_policy @own                             200    200    200    404    404    404    404    404    302
POST charging:charging_policy                                 200    404    404    404    404    404    404    404    302
GET charging:agreement                                       200    404    404    404    404    404    404    404    302
GET charging:agreement @own                                  200    200    403    403    403    403    403    404    302  # the agreement's coordinators set its charging
POST charging:agreement                                      200    404    404    404    404    404    404    404    302  # admin: an empty form's errors

# reports
GET reports:kpis                                             200    200    200    403    403    403    403    200    302
GET reports:kpis_export                                    200    200    200    403    403    403    403    200    302  # the caller's own organisation
GET reports:impact                                           200    200    200    403    403    403    403    200    302  # the KPIs' readers; the admin sees every broker
GET reports:impact_export                                    200    200    200    403    403    403    403    200    302  # the caller's own organisation
GET reports:annual                                           200    200    200    403    403    403    403    200    302  # the caller's own organisation
POST reports:annual                                          400    400    400    403    403    403    403    400    302  # an empty form is refused
GET reports:annual_pdf                                       200    404    404    403    403    403    403    404    302
GET reports:annual_pdf @own                                  200    200    200    403    403    403    403    404    302
GET reports:annual_xlsx                                      200    404    404    403    403    403    403    404    302
GET reports:annual_xlsx @own                                 200    200    200    403    403    403    403    404    302

# quality
GET quality:index                                            200    200    200    403    403    403    403    200    302
GET quality:draw                                             405    405    405    405    405    405    405    405    302
POST quality:draw                                            302    403    403    403    403    403    403    403    302
GET quality:sample                                           200    404    404    404    404    404    404    404    302
GET quality:sample @own                                      200    200    200    404    404    404    404    404    302
POST quality:sample                                          404    404    404    404    404    404    404    404    302
GET quality:feedback                                         200    403    403    403    403    403    403    403    302
GET quality:feedback @own                                    200    200    200    403    403    403    403    403    302
POST quality:feedback                                        200    403    403    403    403    403    403    403    302
GET quality:my_feedback                                      403    403    403    403    200    403    403    403    302
GET quality:concerns                                         200    200    200    200    200    200    200    200    302
GET quality:concern                                          200    404    404    404    404    404    404    404    302
GET quality:concern @own                                     200    200    200    404    404    404    200    404    302  # the raiser (client) reads it; not shared with the leader
POST quality:concern                                         200    404    404    404    404    404    404    404    302
POST quality:concern @own                                    200    200    403    404    404    404    403    404    302  # the broker's coordinators act
GET quality:concern_raise                                    200    404    404    404    404    404    404    404    302
GET quality:concern_raise @own                               200    200    200    200    200    200    200    404    302  # whoever sees the agreement
POST quality:concern_raise                                   200    404    404    404    404    404    404    404    302
POST quality:concern_raise @own                              200    200    200    200    200    200    200    404    302  # an empty form: its errors
GET quality:concern_raise_for                                200    403    403    403    403    403    403    403    302
GET quality:concern_raise_for @own                           200    200    200    403    200    403    403    403    302  # the broker's coordinators and leads, and its leader
POST quality:concern_raise_for                               200    403    403    403    403    403    403    403    302
POST quality:concern_raise_for @own                          200    200    200    403    200    403    403    403    302

# visits
GET visits:delivery                                          200    404    404    404    404    404    404    404    302
GET visits:delivery @own                                     200    200    200    200    200    200    200    404    302
GET visits:record                                            200    404    404    404    404    404    404    404    302
GET visits:record @own                                       200    403    403    403    200    403    403    404    302
POST visits:record                                           200    404    404    404    404    404    404    404    302
GET visits:log                                               200    404    404    404    404    404    404    404    302
GET visits:log @own                                          200    200    200    200    200    200    200    404    302
POST visits:log                                              200    404    404    404    404    404    404    404    302
GET visits:visits_export                                   200    404    404    404    404    404    404    404    302
GET visits:visits_export @own                              200    200    200    200    200    200    200    404    302
GET visits:log_export                                      200    404    404    404    404    404    404    404    302
GET visits:log_export @own                                 200    200    200    200    200    200    200    404    302
GET visits:log_share                                         405    405    405    405    405    405    405    405    302
POST visits:log_share                                        302    404    404    404    404    404    404    404    302
GET visits:log_sign                                          403    404    404    404    404    404    404    404    302  # admin: only the supported school's head signs
GET visits:log_sign @own                                     403    403    403    403    403    403    200    404    302  # only the supported school's head signs
POST visits:log_sign                                         403    404    404    404    404    404    404    404    302
POST visits:log_sign @own                                    403    403    403    403    403    403    200    404    302  # the head: the empty declaration refused on the page
GET visits:concern_raise                                     200    404    404    404    404    404    404    404    302
GET visits:concern_raise @own                                200    200    200    200    200    200    200    404    302
POST visits:concern_raise                                    200    404    404    404    404    404    404    404    302
GET visits:detail                                            200    404    404    404    404    404    404    404    302
GET visits:detail @la                                        200    404    404    404    404    404    404    404    302
GET visits:detail @own                                       200    200    200    200    200    200    200    404    302
GET visits:detail @own-la                                    200    200    200    200    200    200    404    404    302
POST visits:detail                                           200    404    404    404    404    404    404    404    302
GET visits:note_pdf                                          200    404    404    404    404    404    404    404    302
GET visits:visit_ics                                       200    404    404    404    404    404    404    404    302
GET visits:visit_ics @la                                   200    404    404    404    404    404    404    404    302
GET visits:visit_ics @own                                  200    200    200    200    200    200    200    404    302
GET visits:visit_ics @own-la                               200    200    200    200    200    200    404    404    302
GET visits:agree                                             200    404    404    404    404    404    404    404    302
GET visits:agree @own                                        200    403    403    403    403    403    200    404    302
POST visits:agree                                            200    404    404    404    404    404    404    404    302
GET visits:edit                                              200    404    404    404    404    404    404    404    302
GET visits:edit @own                                         200    403    403    403    200    403    403    404    302
POST visits:edit                                             200    404    404    404    404    404    404    404    302
GET visits:sign_off                                          200    404    404    404    404    404    404    404    302
POST visits:sign_off                                         302    404    404    404    404    404    404    404    302
GET visits:action_point_complete                             405    405    405    405    405    405    405    405    302
POST visits:action_point_complete                            302    404    404    404    404    404    404    404    302
GET visits:concerns                                          200    200    200    200    200    200    200    200    302
GET visits:concern                                           200    404    404    404    404    404    404    404    302
GET visits:concern @own                                      200    200    404    404    200    404    404    404    302
POST visits:concern                                          200    404    404    404    404    404    404    404    302
GET visits:concern_contact                                   200    404    404    404    404    404    404    404    302
GET visits:concern_contact @own                              200    200    404    404    404    404    404    404    302
POST visits:concern_contact                                  200    404    404    404    404    404    404    404    302

# invoicing
GET invoicing:list                                           200    404    404    404    404    404    404    404    302
GET invoicing:list @own                                      200    200    200    403    403    200    200    404    302
GET invoicing:draft                                          405    405    405    405    405    405    405    405    302
POST invoicing:draft                                         302    404    404    404    404    404    404    404    302
GET invoicing:detail                                         200    404    404    404    404    404    404    404    302
GET invoicing:detail @own                                    200    200    200    404    404    200    200    404    302
POST invoicing:detail                                        200    404    404    404    404    404    404    404    302
GET invoicing:issue                                          200    404    404    404    404    404    404    404    302
GET invoicing:issue @own                                     200    200    403    404    404    200    403    404    302
POST invoicing:issue                                         302    404    404    404    404    404    404    404    302
GET invoicing:paid                                           200    404    404    404    404    404    404    404    302
POST invoicing:paid                                          200    404    404    404    404    404    404    404    302
GET invoicing:cancel                                         200    404    404    404    404    404    404    404    302
POST invoicing:cancel                                        200    404    404    404    404    404    404    404    302
GET invoicing:pdf                                            200    404    404    404    404    404    404    404    302
GET invoicing:pdf @own                                       200    200    200    404    404    200    200    404    302
GET invoicing:export                                       200    404    404    404    404    404    404    404    302
GET invoicing:export @own                                  200    200    200    403    403    200    200    404    302
GET invoicing:remit                                          200    404    404    404    404    404    404    404    302
GET invoicing:remit @own                                     200    200    403    404    404    403    403    404    302  # the broker's coordinators record what it paid out
POST invoicing:remit                                         200    404    404    404    404    404    404    404    302  # admin: an empty form's errors
GET invoicing:remittance                                     200    404    404    404    404    404    404    404    302
GET invoicing:remittance @own                                200    200    200    404    404    200    404    404    302  # the broker's staff and the leader's school's head only
GET invoicing:remittance_pdf                                 200    404    404    404    404    404    404    404    302
GET invoicing:remittance_pdf @own                            200    200    200    404    404    200    404    404    302

# governors (the supported school's governing body; the governor's own cells: test_governor_access.py)
GET governors:home                                           403    403    403    403    403    403    403    403    302  # a page for governors only (see test_governor_access.py)
GET governors:agreement                                      200    404    404    404    404    404    404    404    302
GET governors:agreement @own                                 200    404    404    404    404    404    404    404    302  # the parties read the agreement's own page, not the governors'
GET governors:deployment_record                              200    404    404    404    404    404    404    404    302
GET governors:deployment_record @own                         200    404    404    404    404    404    404    404    302
GET governors:evaluation                                     200    404    404    404    404    404    404    404    302
GET governors:evaluation @own                                200    404    404    404    404    404    404    404    302
GET governors:final_report                                   200    404    404    404    404    404    404    404    302
GET governors:final_report @own                              200    404    404    404    404    404    404    404    302
GET governors:manage                                         200    403    403    403    403    403    403    403    302  # schools are public: 403
GET governors:manage @own                                    200    403    403    403    403    403    200    403    302  # the supported school's headteacher
POST governors:manage                                        200    403    403    403    403    403    403    403    302  # admin: the empty form's errors
POST governors:manage @own                                   200    403    403    403    403    403    200    403    302
GET governors:remove                                         405    405    405    405    405    405    405    405    302
POST governors:remove                                        302    403    403    403    403    403    403    403    302
POST governors:remove @own                                   302    403    403    403    403    403    302    403    302
GET governors:cancel_invitation                              405    405    405    405    405    405    405    405    302
POST governors:cancel_invitation                             302    403    403    403    403    403    403    403    302
POST governors:cancel_invitation @own                        302    403    403    403    403    403    302    403    302

# evaluation
GET evaluation:my_portfolio                                  403    403    403    403    200    403    403    403    302  # the leader's own: as leaders:my_profile
GET evaluation:portfolio                                     200    404    404    404    404    404    404    404    302
GET evaluation:portfolio @own                                200    200    403    403    200    403    404    404    302  # the leader's coordinators; others who see the leader 403
GET evaluation:self_evaluation                               403    404    404    404    404    404    404    404    302  # admin: the leader's only
GET evaluation:self_evaluation @own                          403    403    403    403    200    403    403    404    302  # the named SIP sees the agreement: 403
POST evaluation:self_evaluation                              403    404    404    404    404    404    404    404    302
POST evaluation:self_evaluation @own                         403    403    403    403    200    403    403    404    302  # leader: the empty form's errors
GET evaluation:feedback_list                                 200    404    404    404    404    404    404    404    302
GET evaluation:feedback                                      200    404    404    404    404    404    404    404    302
GET evaluation:feedback @own                                 200    200    200    200    200    200    200    404    302
POST evaluation:feedback                                     403    404    404    404    404    404    404    404    302
GET evaluation:progress                                      200    404    404    404    404    404    404    404    302
GET evaluation:progress @own                                 200    200    200    200    200    200    200    404    302
POST evaluation:progress                                     200    404    404    404    404    404    404    404    302
GET evaluation:evaluation                                    200    404    404    404    404    404    404    404    302
GET evaluation:evaluation @own                               200    200    200    200    200    200    200    404    302
POST evaluation:evaluation                                   200    404    404    404    404    404    404    404    302
GET evaluation:evaluation_new_request                        405    405    405    405    405    405    405    405    302
POST evaluation:evaluation_new_request                       302    404    404    404    404    404    404    404    302
GET evaluation:final_report                                  200    404    404    404    404    404    404    404    302
GET evaluation:final_report @own                             200    200    200    200    200    200    200    404    302
POST evaluation:final_report                                 200    404    404    404    404    404    404    404    302
GET evaluation:evidence_pack_page                            200    404    404    404    404    404    404    404    302
GET evaluation:evidence_pack_page @own                       200    200    200    404    200    200    200    404    302
POST evaluation:evidence_pack_page                           302    404    404    404    404    404    404    404    302
GET evaluation:evidence_pack_download                        200    404    404    404    404    404    404    404    302
GET evaluation:evidence_pack                                 302    404    404    404    404    404    404    404    302
POST evaluation:evidence_pack                                302    404    404    404    404    404    404    404    302
GET evaluation:feedback_pdf                                  200    404    404    404    404    404    404    404    302
GET evaluation:evaluation_pdf                                200    404    404    404    404    404    404    404    302
GET evaluation:final_report_pdf                              200    404    404    404    404    404    404    404    302

# core
GET core:home                                                200    200    200    200    200    200    200    200    302
GET core:about_data                                          200    200    200    200    200    200    200    200    302
GET core:activity                                            200    200    200    403    403    403    403    200    302  # coordinators and broker leads: their own organisation's

# accounts: the person's own account, two-factor sign-in, tokens and sessions
GET accounts:account                                     200   200   200   200   200   200   200   200   302
GET accounts:two_factor_verify                           302   302   302   302   302   302   302   302   302  # no code owed: sent on
GET accounts:two_factor_setup                            200   200   200   200   200   200   200   200   302
GET accounts:recovery_codes                              200   200   200   200   200   200   200   200   302
GET accounts:recovery_codes_new                          405   405   405   405   405   405   405   405   302
POST accounts:recovery_codes_new                         302   302   302   302   302   302   302   302   302
GET accounts:two_factor_turn_off                         405   405   405   405   405   405   405   405   302
POST accounts:two_factor_turn_off                        302   302   302   302   302   302   302   302   302
GET accounts:token_issue                                 405   405   405   405   405   405   405   405   302
POST accounts:token_issue                                200   200   200   200   200   200   200   200   302  # an empty form: shown again
GET accounts:token_revoke                                405   405   405   405   405   405   405   405   302
POST accounts:token_revoke                               404   404   404   404   404   404   404   404   302  # only the person's own
POST accounts:token_revoke @own                          404   302   404   404   404   404   404   404   302
GET accounts:session_end                                 405   405   405   405   405   405   405   405   302
POST accounts:session_end                                404   404   404   404   404   404   404   404   302  # only the person's own
POST accounts:session_end @own                           404   302   404   404   404   404   404   404   302
GET accounts:people                                      200   403   403   403   403   403   403   403   302
GET accounts:two_factor_reset                            200   403   403   403   403   403   403   403   302
POST accounts:two_factor_reset                           302   403   403   403   403   403   403   403   302

# privacy (administrators; a concern's reads also its named person)
GET privacy:notice                                       200   200   200   200   200   200   200   200   200
GET privacy:people                                       200   404   404   404   404   404   404   404   302
GET privacy:person                                       200   404   404   404   404   404   404   404   302
GET privacy:erase                                        200   404   404   404   404   404   404   404   302
GET privacy:export                                       200   404   404   404   404   404   404   404   302
GET privacy:export_download                              200   404   404   404   404   404   404   404   302
GET privacy:retention                                    200   404   404   404   404   404   404   404   302
POST privacy:erase                                       200   404   404   404   404   404   404   404   302
GET privacy:export_start                                 405   405   405   405   405   405   405   405   302
POST privacy:export_start                                302   404   404   404   404   404   404   404   302
GET privacy:reads                                        200   404   404   404   404   404   404   404   302
GET privacy:reads @own                                   200   200   404   404   404   404   404   404   302  # coord: the concern's named person

# alliances (the organisation's coordinators and broker leads)
GET alliances:index                                      200   302   302   403   403   403   403   302   302
GET alliances:alliance                                   200   403   403   403   403   403   403   403   302
GET alliances:alliance @own                              200   200   200   403   403   403   403   403   302
GET alliances:member_add                                 200   403   403   403   403   403   403   403   302
GET alliances:member_add @own                            200   200   200   403   403   403   403   403   302
GET alliances:meetings                                   200   403   403   403   403   403   403   403   302
GET alliances:meetings @own                              200   200   200   403   403   403   403   403   302
GET alliances:referrals                                  200   403   403   403   403   403   403   403   302
GET alliances:referrals @own                             200   200   200   403   403   403   403   403   302
POST alliances:member_add                                200   403   403   403   403   403   403   403   302
POST alliances:meetings                                  200   403   403   403   403   403   403   403   302
GET alliances:member                                     200   404   404   404   404   404   404   404   302
GET alliances:member @own                                200   200   200   404   404   404   404   404   302
GET alliances:member_mou                                 200   404   404   404   404   404   404   404   302
GET alliances:member_mou @own                            200   200   200   404   404   404   404   404   302
GET alliances:member_details                             200   404   404   404   404   404   404   404   302
GET alliances:member_details @own                        200   200   200   404   404   404   404   404   302
GET alliances:member_leave                               200   404   404   404   404   404   404   404   302
GET alliances:member_leave @own                          200   200   200   404   404   404   404   404   302
GET alliances:board_decision                             200   404   404   404   404   404   404   404   302
GET alliances:board_decision @own                        200   200   200   404   404   404   404   404   302
GET alliances:meeting                                    200   404   404   404   404   404   404   404   302
GET alliances:meeting @own                               200   200   200   404   404   404   404   404   302
GET alliances:meeting_ics                                200   404   404   404   404   404   404   404   302
GET alliances:meeting_ics @own                           200   200   200   404   404   404   404   404   302
GET alliances:attendance                                 200   404   404   404   404   404   404   404   302
GET alliances:attendance @own                            200   200   200   404   404   404   404   404   302
POST alliances:member_mou                                200   404   404   404   404   404   404   404   302
POST alliances:member_details                            302   404   404   404   404   404   404   404   302
POST alliances:member_leave                              200   404   404   404   404   404   404   404   302
POST alliances:board_decision                            200   404   404   404   404   404   404   404   302
POST alliances:attendance                                200   404   404   404   404   404   404   404   302
GET alliances:meeting_invite                             405   405   405   405   405   405   405   405   302
POST alliances:meeting_invite                            302   404   404   404   404   404   404   404   302

# boards (the organisation's coordinators and broker leads; its board members with an account read)
GET boards:index                                         200   302   302   403   403   302   403   302   302  # home: sits on the own board
GET boards:board                                         200   403   403   403   403   403   403   403   302
GET boards:board @own                                    200   200   200   403   403   200   403   403   302  # home: sits on the board, reads it
GET boards:member_add                                    200   403   403   403   403   403   403   403   302
GET boards:member_add @own                               200   200   200   403   403   403   403   403   302
POST boards:member_add                                   200   403   403   403   403   403   403   403   302  # admin: an empty form shown again
GET boards:targets                                       200   403   403   403   403   403   403   403   302
GET boards:targets @own                                  200   200   200   403   403   403   403   403   302
POST boards:targets                                      200   403   403   403   403   403   403   403   302  # admin: an empty form shown again
GET boards:action_add                                    200   403   403   403   403   403   403   403   302
GET boards:action_add @own                               200   200   200   403   403   403   403   403   302
POST boards:action_add                                   200   403   403   403   403   403   403   403   302  # admin: an empty form shown again
GET boards:budget_add                                    200   403   403   403   403   403   403   403   302
GET boards:budget_add @own                               200   200   200   403   403   403   403   403   302
POST boards:budget_add                                   200   403   403   403   403   403   403   403   302  # admin: an empty form shown again
GET boards:member_edit                                   200   404   404   404   404   404   404   404   302
GET boards:member_edit @own                              200   200   200   404   404   403   404   404   302  # home: reads the board, changes nothing
POST boards:member_edit                                  200   404   404   404   404   404   404   404   302  # admin: an empty form shown again
GET boards:action_edit                                   200   404   404   404   404   404   404   404   302
GET boards:action_edit @own                              200   200   200   404   404   403   404   404   302  # home: reads the board, changes nothing
POST boards:action_edit                                  200   404   404   404   404   404   404   404   302  # admin: an empty form shown again
GET boards:budget_edit                                   200   404   404   404   404   404   404   404   302
GET boards:budget_edit @own                              200   200   200   404   404   403   404   404   302  # home: reads the board, changes nothing
POST boards:budget_edit                                  200   404   404   404   404   404   404   404   302  # admin: an empty form shown again
GET boards:action_remove                                 405   405   405   405   405   405   405   405   302
POST boards:action_remove                                302   404   404   404   404   404   404   404   302
POST boards:action_remove @own                           302   302   302   404   404   403   404   404   302  # home: reads the board, changes nothing
GET boards:budget_remove                                 405   405   405   405   405   405   405   405   302
POST boards:budget_remove                                302   404   404   404   404   404   404   404   302
POST boards:budget_remove @own                           302   302   302   404   404   403   404   404   302  # home: reads the board, changes nothing

# brokers (administrators set up organisations from the shipped lists)
GET brokers:pick                                         200   403   403   403   403   403   403   403   302
GET brokers:set_up                                       302   403   403   403   403   403   403   403   302  # no entry picked: sent to the lists
POST brokers:set_up                                      302   403   403   403   403   403   403   403   302  # no entry picked: sent to the lists

# invitations (coordinators and administrators; each coordinator its own invitations)
GET invitations:people                                   200   200   403   403   403   403   403   200   302
GET invitations:invite                                   200   200   403   403   403   403   403   200   302
GET invitations:invite_role                              302   302   403   403   403   403   403   302   302  # no draft yet: sent to the first step
GET invitations:invite_place                             302   302   403   403   403   403   403   302   302  # no draft yet: sent to the first step
GET invitations:invite_check                             302   302   403   403   403   403   403   302   302  # no draft yet: sent to the first step
POST invitations:invite                                  200   200   403   403   403   403   403   200   302
POST invitations:invite_check                            302   302   403   403   403   403   403   302   302  # no draft yet: sent to the first step
GET invitations:resend                                   405   405   405   405   405   405   405   405   302
POST invitations:resend                                  302   404   404   404   404   404   404   404   302
POST invitations:resend @own                             302   302   404   404   404   404   404   404   302
GET invitations:cancel                                   405   405   405   405   405   405   405   405   302
POST invitations:cancel                                  302   404   404   404   404   404   404   404   302
POST invitations:cancel @own                             302   302   404   404   404   404   404   404   302
GET invitations:accept                                   404   404   404   404   404   404   404   404   404  # an unknown link, for everyone

# imports (coordinators of the organisation, administrators)
GET imports:upload                                       200   200   403   403   403   403   403   200   302
GET imports:template                                     200   200   403   403   403   403   403   200   302
POST imports:upload                                      200   200   403   403   403   403   403   200   302
GET imports:preview                                      200   404   404   404   404   404   404   404   302
GET imports:preview @own                                 200   200   404   404   404   404   404   404   302
GET imports:confirm                                      405   405   405   405   405   405   405   405   302
POST imports:confirm                                     200   404   404   404   404   404   404   404   302  # admin: the upload's bad rows shown again

# operations (anonymous health checks: ready is 503 without a worker's recent heartbeat)
GET operations:health_live                                 200    200    200    200    200    200    200    200    200
POST operations:health_live                                405    405    405    405    405    405    405    405    405
GET operations:health_ready                                503    503    503    503    503    503    503    503    503
POST operations:health_ready                               405    405    405    405    405    405    405    405    405

# calendars (term dates: the organisation's coordinators; the feed: its secret address)
GET calendars:term_dates_index                             200    302    403    403    403    403    403    302    302  # coordinators of one organisation: sent to its page
GET calendars:term_dates                                   200    403    403    403    403    403    403    403    302  # organisations are public: 403
GET calendars:term_dates @own                              200    200    403    403    403    403    403    403    302
GET calendars:term_dates_edit                              200    403    403    403    403    403    403    403    302
GET calendars:term_dates_edit @own                         200    200    403    403    403    403    403    403    302
POST calendars:term_dates_edit                             200    403    403    403    403    403    403    403    302  # admin: an empty form shown again
POST calendars:term_dates_edit @own                        200    200    403    403    403    403    403    403    302
GET calendars:feed                                         200    200    200    200    200    200    200    200    200  # the secret address is the key (another's: still theirs)
GET calendars:feed_reset                                   405    405    405    405    405    405    405    405    302
POST calendars:feed_reset                                  200    200    200    200    200    200    200    200    302  # the person's own address

# casework (the chase button; the kind here is an approach, every kind in CHASES)
GET casework:chase                                         405    405    405    405    405    405    405    405    302
POST casework:chase                                        302    404    404    404    404    404    404    404    302
POST casework:chase @own                                   302    302    403    404    403    404    403    404    302  # leader: the one approached; SIP: a school-route request

# admin (Django's admin site: the administrator's column is Django's, by model, not asked)
GET admin:index                                                -    302    302    302    302    302    302    302    302
GET admin:login                                              302    200    200    200    200    200    200    200    200
GET admin:logout                                               -    302    302    302    302    302    302    302    302
GET admin:*_changelist                                         -    302    302    302    302    302    302    302    302
GET admin:*_add                                                -    302    302    302    302    302    302    302    302
GET admin:*_change                                             -    302    302    302    302    302    302    302    302
GET admin:*_history                                            -    302    302    302    302    302    302    302    302
GET admin:*_delete                                             -    302    302    302    302    302    302    302    302
GET admin:*                                                    -    302    302    302    302    302    302    302    302
GET admin/*/<path:object_id>/                                  -    302    302    302    302    302    302    302    302
GET admin/(?P<url>.*)$                                         -    302    302    302    302    302    302    302    302
"""

# API operations (paths as in the OpenAPI document, without /api/v1).
API = """
# method path                                              admin  coord  blead    sip leader   home client  other   anon
POST /organisations                                          201    403    403    403    403    403    403    403    401
POST /users                                                  201    403    403    403    403    403    403    403    401
GET /schools/{urn}                                           200    200    200    200    200    200    200    200    401
GET /schools/{urn} @own                                      200    200    200    200    200    200    200    200    401
POST /schools                                                201    201    403    403    403    403    403    201    401
POST /leaders                                                201    201    403    403    403    403    403    201    401
GET /leaders/{leader_id}                                     200    404    404    404    404    404    404    404    401
GET /leaders/{leader_id} @own                                200    200    200    200    200    200    404    404    401
PATCH /leaders/{leader_id}                                   200    404    404    404    404    404    404    404    401
PATCH /leaders/{leader_id} @own                              200    200    403    403    200    403    404    404    401
POST /leaders/{leader_id}/designations                       201    404    404    404    404    404    404    404    401  # coord: a leader it cannot see
POST /leaders/{leader_id}/designations @own                  201    201    403    403    403    403    404    404    401
POST /designations/{designation_id}/revoke                   200    404    404    404    404    404    404    404    401
POST /designations/{designation_id}/revoke @own              200    200    403    403    403    403    404    404    401
POST /leaders/{leader_id}/associations                       201    404    404    404    404    404    404    404    401  # coord: a leader it cannot see
POST /leaders/{leader_id}/associations @own                  409    409    403    403    403    403    404    404    401
POST /associations/{association_id}/end                      200    404    404    404    404    404    404    404    401
POST /associations/{association_id}/end @own                 200    200    403    403    403    403    404    404    401
PUT /leaders/{leader_id}/release/{academic_year}             200    404    404    404    404    404    404    404    401
PUT /leaders/{leader_id}/release/{academic_year} @own        200    200    403    403    403    200    404    404    401
GET /leaders/{leader_id}/capacity/{academic_year}            200    404    404    404    404    404    404    404    401
GET /leaders/{leader_id}/capacity/{academic_year} @own       200    200    200    403    200    200    404    404    401
POST /support-requests                                       201    403    403    403    403    403    403    403    401
GET /support-requests                                        200    200    200    200    200    200    200    200    401
GET /support-requests/{request_id}                           200    404    404    404    404    404    404    404    401
GET /support-requests/{request_id} @la                       200    404    404    404    404    404    404    404    401
GET /support-requests/{request_id} @own                      200    200    200    404    200    404    200    404    401  # SIP: cannot see a school-route request
GET /support-requests/{request_id} @own-la                   200    200    200    200    404    404    404    404    401
GET /support-requests/{request_id}/timeline                  200    404    404    404    404    404    404    404    401
GET /support-requests/{request_id}/timeline @own             200    200    200    404    200    404    200    404    401  # SIP: cannot see a school-route request
GET /support-requests/{request_id}/shortlist                 200    404    404    404    404    404    404    404    401
GET /support-requests/{request_id}/shortlist @own        200   200   200   404   403   404   403   404   401  # SIP: cannot see a school-route request
POST /support-requests/{request_id}/shortlist                409    404    404    404    404    404    404    404    401
POST /support-requests/{request_id}/shortlist @own       409   409   403   404   403   404   403   404   401  # SIP: cannot see a school-route request
POST /support-requests/{request_id}/approaches               409    404    404    404    404    404    404    404    401
POST /support-requests/{request_id}/approaches @own      409   409   403   404   403   404   403   404   401  # SIP: cannot see a school-route request
POST /approaches/{approach_id}/answer                        403    404    404    404    404    404    404    404    401
POST /approaches/{approach_id}/answer @own               403   403   403   404   200   404   403   404   401  # SIP: cannot see a school-route request
POST /support-requests/{request_id}/choice                   409    404    404    404    404    404    404    404    401
POST /support-requests/{request_id}/choice @own          409   403   403   404   403   404   409   404   401  # SIP: cannot see a school-route request
POST /support-requests/{request_id}/commissions              201    404    404    404    404    404    404    404    401  # coord: a request it cannot see, nor was asked about
POST /support-requests/{request_id}/commissions @own         409    409    403    404    403    404    403    404    401  # access before the business rule
POST /commissions/{commission_id}/decision                   200    404    404    404    404    404    404    404    401
POST /commissions/{commission_id}/decision @own              200    200    404    404    404    404    404    404    401
POST /organisations/{organisation_id}/allocation-runs        202    404    404    404    404    404    404    404    401
POST /organisations/{organisation_id}/allocation-runs @own   202    202    403    404    404    404    404    404    401
GET /allocation-runs/{run_id}                                200    404    404    404    404    404    404    404    401
GET /allocation-runs/{run_id} @own                           200    200    200    404    404    404    404    404    401
POST /allocation-runs/{run_id}/approve                       200    404    404    404    404    404    404    404    401
POST /allocation-runs/{run_id}/approve @own                  200    200    403    404    404    404    404    404    401
GET /organisations/{organisation_id}/unmet-demand            200    404    404    404    404    404    404    404    401
GET /organisations/{organisation_id}/unmet-demand @own       200    200    200    404    404    404    404    404    401
POST /deployments                                            201    404    404    404    404    404    404    404    401
GET /deployments                                             200    200    200    200    200    200    200    200    401
GET /deployments/{deployment_id}                             200    404    404    404    404    404    404    404    401
GET /deployments/{deployment_id} @la                         200    404    404    404    404    404    404    404    401
GET /deployments/{deployment_id} @own                        200    200    200    200    200    200    200    404    401
GET /deployments/{deployment_id} @own-la                     200    200    200    200    200    200    404    404    401
POST /deployments/{deployment_id}/sign                       403    403    403    403    403    403    403    403    401
POST /deployments/{deployment_id}/sign @own                  403    403    409    403    409    409    409    403    401
POST /deployments/{deployment_id}/send-for-signature         409    404    404    404    404    404    404    404    401
POST /deployments/{deployment_id}/send-for-signature @own    409    409    403    403    403    403    403    404    401  # the own agreement is active: not_draft
POST /deployments/{deployment_id}/sip-agreement              403    404    404    404    404    404    404    404    401  # only the school's SIP
POST /deployments/{deployment_id}/sip-agreement @own-la      403    403    403    403    403    403    404    404    401  # only the school's named SIP (the side's SIP is named for another school)
PUT /organisations/{organisation_id}/charging-policies/{academic_year}   200    403    403    403    403    403    403    403    401
PUT /organisations/{organisation_id}/charging-policies/{academic_year} @own   200    200    200    403    403    403    403    403    401
GET /organisations/{organisation_id}/charging-policies/{academic_year}   200    403    403    403    403    403    403    403    401
GET /organisations/{organisation_id}/charging-policies/{academic_year} @own   200    200    200    403    403    403    403    403    401
GET /reports/kpis                                            200    403    403    403    403    403    403    403    401
GET /reports/kpis @own                                       200    200    200    403    403    403    403    403    401
POST /deployments/{deployment_id}/visits                     201    404    404    404    404    404    404    404    401
POST /deployments/{deployment_id}/visits @own                201    403    403    403    201    403    403    404    401
GET /deployments/{deployment_id}/visits                      200    404    404    404    404    404    404    404    401
GET /deployments/{deployment_id}/visits @own                 200    200    200    200    200    200    200    404    401
GET /visits/{visit_id}                                       200    404    404    404    404    404    404    404    401
GET /visits/{visit_id} @la                                   200    404    404    404    404    404    404    404    401
GET /visits/{visit_id} @own                                  200    200    200    200    200    200    200    404    401
GET /visits/{visit_id} @own-la                               200    200    200    200    200    200    404    404    401
POST /visits/{visit_id}/agree                                200    404    404    404    404    404    404    404    401
POST /visits/{visit_id}/agree @own                           200    403    403    403    403    403    200    404    401
POST /visits/{visit_id}/request-changes                      200    404    404    404    404    404    404    404    401
POST /visits/{visit_id}/request-changes @own                 200    403    403    403    403    403    200    404    401
POST /visits/{visit_id}/sign-off                             200    404    404    404    404    404    404    404    401
POST /visits/{visit_id}/sign-off @own                        200    403    403    403    200    403    403    404    401
POST /deployments/{deployment_id}/evaluation                 409    404    404    404    404    404    404    404    401
POST /deployments/{deployment_id}/evaluation @own            409    403    403    403    403    403    409    404    401
GET /deployments/{deployment_id}/evaluation                  200    404    404    404    404    404    404    404    401
GET /deployments/{deployment_id}/evaluation @own             200    200    200    200    200    200    200    404    401

# alliances
POST /organisations/{organisation_id}/members            201   403   403   403   403   403   403   403   401
POST /organisations/{organisation_id}/members @own       201   201   201   403   403   403   403   403   401
GET /organisations/{organisation_id}/members             200   403   403   403   403   403   403   403   401
GET /organisations/{organisation_id}/members @own        200   200   200   403   403   403   403   403   401
POST /organisations/{organisation_id}/meetings           201   403   403   403   403   403   403   403   401
POST /organisations/{organisation_id}/meetings @own      201   201   201   403   403   403   403   403   401
GET /organisations/{organisation_id}/meetings            200   403   403   403   403   403   403   403   401
GET /organisations/{organisation_id}/meetings @own       200   200   200   403   403   403   403   403   401
PUT /meetings/{meeting_id}/attendance                    200   404   404   404   404   404   404   404   401
PUT /meetings/{meeting_id}/attendance @own               200   200   200   404   404   404   404   404   401
GET /meetings/{meeting_id}/attendance                    200   404   404   404   404   404   404   404   401
GET /meetings/{meeting_id}/attendance @own               200   200   200   404   404   404   404   404   401
POST /members/{member_id}/board-decision                 200   404   404   404   404   404   404   404   401
POST /members/{member_id}/board-decision @own            200   200   200   404   404   404   404   404   401

# invitations (the body names the organisation) and imports
POST /invitations                                        201   403   403   403   403   403   403   403   401
POST /invitations @own                                   201   201   403   403   403   403   403   403   401
POST /organisations/{organisation_id}/imports/leaders    200   403   403   403   403   403   403   403   401
POST /organisations/{organisation_id}/imports/leaders @own  200   200   403   403   403   403   403   403   401
"""
# fmt: on

#: Which object of the world fills a URL parameter, by parameter name.
PARAMETERS: dict[str, str] = {
    "request_id": "request",
    "entry_id": "shortlist_entry",
    "approach_id": "approach",
    "commission_id": "commission",
    "run_id": "allocation_run",
    "match_id": "draft_match",
    "notification_id": "notification",
    "deployment_id": "deployment",
    "visit_id": "visit",
    "pk": "action_point",
    "concern_id": "concern",
    "organisation_id": "organisation",
    "invoice_id": "invoice",
    "remittance_id": "remittance",
    "feedback_id": "feedback",
    "pack_id": "evidence_pack",
    "report_id": "annual_report",
    "sample_id": "qa_sample",
    "leader_concern_id": "leader_concern",
    "leader_id": "leader",
    "designation_id": "designation",
    "round_id": "round",
    "application_id": "application",
    "association_id": "association",
    "agreement_id": "broker_agreement",
    "review_id": "association_review",
    "event_id": "training_event",
    "need_id": "training_need",
    "user_id": "person",
    "export_id": "subject_access_export",
    "record_id": "concern",
    "member_id": "alliance_member",
    "meeting_id": "meeting",
    "board_member_id": "board_member",
    "action_id": "board_action",
    "line_id": "budget_line",
    "invitation_id": "invitation",
    "upload_id": "upload",
    "token_id": "token",
    "session_id": "session",
    "document_id": "document",
    "dispute_id": "dispute",
    "named_id": "named_sip",
    "row_id": "copied_in",
    "share_id": "log_share",
    "assignment_id": "governor_member",
    "package_id": "package",
    "proposal_id": "package_proposal",
}

#: Exceptions, by (URL name or API path, parameter name).
OVERRIDES: dict[tuple[str, str], str] = {
    ("visits:agree", "visit_id"): "visit_to_agree",
    ("visits:edit", "visit_id"): "visit_to_agree",
    ("/visits/{visit_id}/agree", "visit_id"): "visit_to_agree",
    ("/visits/{visit_id}/request-changes", "visit_id"): "visit_to_agree",
    # A person copied in is on the LA-route agreement (copying in is for that route only).
    ("deployments:copied_in_remove", "deployment_id"): "la_deployment",
    # A governor's invitation is the school's, sent by its headteacher.
    ("governors:cancel_invitation", "invitation_id"): "governor_invitation",
    # The first meeting is recorded for a request whose leader was chosen.
    ("brokering:first_meeting", "request_id"): "first_meeting_request",
}

#: The record each kind of chase (``/casework/chase/<kind>/<target_id>/``) is sent about.
CHASE_TARGETS = {
    "approach": "approach",
    "visit_note": "visit",
    "feedback": "feedback",
    "no_visit": "deployment",
    "signature": "deployment",
    "first_meeting": "first_meeting_request",
}

# fmt: off
#: Every kind of chase (the WEB rows ask an approach's): keys ``POST casework:chase/<kind>``.
CHASES = """
# method kind                                              admin  coord  blead    sip leader   home client  other   anon
POST casework:chase/approach                                 302    404    404    404    404    404    404    404    302
POST casework:chase/approach @own                            302    302    403    404    403    404    403    404    302  # SIP: a school-route request
POST casework:chase/visit_note                               302    404    404    404    404    404    404    404    302
POST casework:chase/visit_note @la                           302    404    404    404    404    404    404    404    302
POST casework:chase/visit_note @own                          302    302    403    403    403    403    403    404    302
POST casework:chase/visit_note @own-la                       302    302    403    403    403    403    404    404    302
POST casework:chase/feedback                                 302    404    404    404    404    404    404    404    302
POST casework:chase/feedback @own                            302    302    403    403    403    403    403    404    302
POST casework:chase/no_visit                                 302    404    404    404    404    404    404    404    302
POST casework:chase/no_visit @la                             302    404    404    404    404    404    404    404    302
POST casework:chase/no_visit @own                            302    302    403    403    403    403    403    404    302
POST casework:chase/no_visit @own-la                         302    302    403    403    403    403    404    404    302
POST casework:chase/signature                                302    404    404    404    404    404    404    404    302
POST casework:chase/signature @own                           302    302    403    403    403    403    403    404    302
POST casework:chase/first_meeting                            302    404    404    404    404    404    404    404    302
POST casework:chase/first_meeting @own                       302    302    403    404    403    404    403    404    302  # the chosen leader sees it but does not chase
"""
# fmt: on

#: The LA-route twin of an object, for the ``la`` variants.
#: A document's LA-route twin is on the LA-route *request* (the school-route one is on an
#: agreement), so the rows cover both kinds of record a document belongs to.
LA_ROUTE = {
    "request": "la_request",
    "deployment": "la_deployment",
    "visit": "la_visit",
    "document": "la_document",
}

#: Query strings an API operation needs to reach its access rule ({organisation}: the cell's side).
API_QUERIES = {"GET /reports/kpis": "organisation={organisation}&academic_year={year}"}

#: Patterns that are regular expressions: the path to ask instead ({calendar_token}: the side's
#: leader's secret calendar address).
SAMPLE_PATHS = {
    "calendars:feed": "/calendar/{calendar_token}.ics",
    "admin:app_list": "/admin/leaders/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
    "api:unknown": "/api/v1/no-such-endpoint",
}


def param_value(world: World, target: str, parameter: str, variant: str) -> Any:
    """The value of a URL parameter for a cell (see PARAMETERS)."""
    if target.startswith("admin"):
        return _admin_value(world, target, parameter)
    side = world.own if variant.startswith("own") else world.other
    if parameter == "urn":
        return side.client_school.urn
    if parameter == "slug":
        return side.organisation.slug
    if parameter in ("year", "academic_year"):
        return YEAR.label
    if parameter == "uidb64":
        return "MQ"
    if parameter == "token":  # the calendar feed's is the side's leader's secret address
        return side.objects["calendar_token"] if target == "calendars:feed" else "not-a-valid-token"
    if target.startswith("casework:chase"):  # "casework:chase/<kind>" in CHASES
        kind = target.partition("/")[2] or "approach"
        if parameter == "kind":
            return kind
        key = CHASE_TARGETS[kind]
        return side.objects[LA_ROUTE.get(key, key) if variant.endswith("la") else key].pk
    if parameter == "kind":  # the read log's kind of record, or the kind of import
        return "concern" if target == "privacy:reads" else "leaders"
    if parameter == "section":  # a section of the agreement draft
        return "dates"
    if parameter == "party":  # a signature's party (the scan of a signature on paper)
        return "broker_lead"
    if parameter in ("extension", "fmt"):
        return "csv"
    key = OVERRIDES.get((target, parameter)) or PARAMETERS[parameter]
    if variant.endswith("la"):
        key = LA_ROUTE.get(key, key)
    return side.objects[key].pk


def _admin_value(world: World, target: str, parameter: str) -> Any:
    """The admin site's parameters: the first object of the pattern's model."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from syslead.leaders.models import LeaderProfile

    if parameter == "id":  # a user's password page
        return world.other.coordinator.pk
    if parameter == "content_type_id":
        return ContentType.objects.get_for_model(LeaderProfile).pk
    if target == "admin:view_on_site":
        return world.other.leader.pk
    if target.startswith("admin:"):
        app_label, model_name = target.removeprefix("admin:").rsplit("_", 1)[0].rsplit("_", 1)
    else:
        app_label, model_name = target.split("/")[1:3]
    if (app_label, model_name) == ("auth", "user"):
        app_label = "accounts"
    found = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    return found.pk if found is not None else 0


def api_query(world: World, operation: str, variant: str) -> str:
    side = world.own if variant.startswith("own") else world.other
    query = API_QUERIES.get(operation, "")
    return query.format(organisation=side.organisation.pk, year=YEAR.label)


#: The body of the leaders import: a CSV file (sent as ``text/csv``), one valid row.
LEADERS_CSV = (
    "email,first_name,last_name,home_school,job_title,designation,designated_on,specialisms,"
    "phases,release_days,academic_year\r\n"
    "imported.leader@matrix.test,Ida,Imported,{urn},Deputy headteacher,,,maths,primary,,\r\n"
)


def api_body(world: World, operation: str, variant: str) -> dict[str, Any] | str:
    """A body valid in shape for a write operation, naming the cell's side's objects (a string
    is a CSV file)."""
    side = world.own if variant.startswith("own") else world.other
    o = side.objects
    day = VISIT_ON.isoformat()
    if operation == "POST /organisations/{organisation_id}/imports/leaders":
        return LEADERS_CSV.format(urn=side.home_school.urn)
    bodies: dict[str, dict[str, Any]] = {
        "POST /organisations": {"name": "New Broker", "kind": "trust"},
        "POST /users": {
            "email": "new.person@matrix.test",
            "name": "New Person",
            "roles": [{"role": "coordinator", "organisation": side.organisation.pk}],
        },
        "POST /schools": {"urn": 199999, "name": "New School", "phase": "primary"},
        "POST /leaders": {
            "user": world.spare.pk,
            "home_school": side.home_school.urn,
            "job_title": "Headteacher",
            "specialisms": ["maths"],
            "phases": ["primary"],
        },
        "PATCH /leaders/{leader_id}": {"job_title": "Executive headteacher"},
        "POST /leaders/{leader_id}/designations": {
            "type": "NLE",
            "designated_on": day,
            "organisation": world.own.organisation.pk,
        },
        "POST /designations/{designation_id}/revoke": {"revoked_on": day, "reason": "Matrix"},
        "POST /leaders/{leader_id}/associations": {
            "organisation": world.own.organisation.pk,
            "starts_on": day,
        },
        "POST /associations/{association_id}/end": {"ends_on": day, "reason": "Matrix"},
        "PUT /leaders/{leader_id}/release/{academic_year}": {"days": 12, "agreed_on": day},
        "POST /support-requests": {
            "school": side.client_school.urn,
            "organisation": side.organisation.pk,
            "route": "school",
            "needs": ["maths"],
            "days_requested": 3,
            "summary": "Matrix request",
        },
        "POST /support-requests/{request_id}/shortlist": {},
        "POST /support-requests/{request_id}/approaches": {"leader": side.leader.pk},
        "POST /approaches/{approach_id}/answer": {"accept": True},
        "POST /support-requests/{request_id}/choice": {"leader": side.leader.pk},
        "POST /support-requests/{request_id}/commissions": {"leader": world.own.leader.pk},
        "POST /commissions/{commission_id}/decision": {"approve": True},
        "POST /organisations/{organisation_id}/allocation-runs": {},
        "POST /allocation-runs/{run_id}/approve": {},
        "POST /deployments": {
            "support_request": o["request"].pk,
            "leader": side.leader.pk,
            "starts_on": day,
            "ends_on": YEAR.ends_on.isoformat(),
            "full_days": 2,
            "half_days": 0,
            "aims": ["Matrix"],
            "objectives": ["Matrix"],
        },
        "POST /deployments/{deployment_id}/sign": {},
        "PUT /organisations/{organisation_id}/charging-policies/{academic_year}": {
            "full_day_rate": "350.00",
            "half_day_rate": "150.00",
            "full_day_broker_fee": "50.00",
            "half_day_broker_fee": "25.00",
        },
        "POST /deployments/{deployment_id}/visits": {
            "date": day,
            "session": "full_day",
            "hours": 6,
            "focus": "Matrix",
        },
        "POST /visits/{visit_id}/agree": {},
        "POST /visits/{visit_id}/request-changes": {"comment": "Matrix"},
        "POST /visits/{visit_id}/sign-off": {},
        "POST /deployments/{deployment_id}/send-for-signature": {},
        "POST /deployments/{deployment_id}/sip-agreement": {"decision": "agree"},
        "POST /deployments/{deployment_id}/evaluation": {
            "ratings": dict.fromkeys(EVALUATION_ITEMS, "green"),
            "comments": {},
        },
        "POST /organisations/{organisation_id}/members": {
            "school": side.home_school.urn,
            "joined_on": day,
            "mou_signed_on": day,
        },
        "POST /organisations/{organisation_id}/meetings": {
            "held_on": day,
            "title": "Matrix meeting",
        },
        "PUT /meetings/{meeting_id}/attendance": {
            "attendance": {str(side.client_school.urn): "present"},
        },
        "POST /members/{member_id}/board-decision": {"decided_on": day, "decision": "continue"},
        "POST /invitations": {
            "email": "invited.person@matrix.test",
            "name": "Ivy Invited",
            "role": "broker_lead",
            "organisation": side.organisation.pk,
        },
    }
    return bodies[operation]


EVALUATION_ITEMS = (
    "progress_made",
    "evidence_of_impact",
    "objectives_set",
    "information_and_reports",
    "outcomes_and_priorities",
    "headteacher_experience",
    "staff_experience",
    "quality_of_support",
    "overall_success",
)


# --- Reading the tables -----------------------------------------------------------------------


def row_key(method: str, name: str, variant: str) -> str:
    return f"{method} {name}" + (f" @{variant}" if variant else "")


def split_key(key: str) -> tuple[str, str, str]:
    parts = key.split()
    variant = parts[2].removeprefix("@") if len(parts) > 2 else ""
    return parts[0], parts[1], variant


def _parse(table: str) -> dict[str, tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    for text in table.splitlines():
        line = text.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        statuses = tuple(words[-len(ROLES) :])
        head = words[: -len(ROLES)]
        if len(head) not in (2, 3) or not all(s.isdigit() or s == "-" for s in statuses):
            raise ValueError(f"Access matrix: cannot read the row {line!r}")
        key = " ".join(head)
        if key in rows:
            raise ValueError(f"Access matrix: the row {key!r} appears twice")
        rows[key] = statuses
    return rows


def web_rows() -> dict[str, tuple[str, ...]]:
    return _parse(WEB)


def api_rows() -> dict[str, tuple[str, ...]]:
    return _parse(API)


def chase_rows() -> dict[str, tuple[str, ...]]:
    return _parse(CHASES)


def format_row(key: str, statuses: list[str]) -> str:
    return f"{key:<55}" + " ".join(f"{s:>5}" for s in statuses)
