"""What every role gets from every URL: the permission matrix's rules.

One entry per URL name (a name two routes share is keyed ``name@route``), then per
method a spec: ``roles=answer`` groups, roles by their short names

    ad programme admin   le leadership    co co-organiser staff   of enterprise officer
    ju judge (chief judge of our panel, spot assessor of our league)
    wo worker            rv honours reviewer (no role grant)      no signed in, no role
    an anonymous         *  every one of them

and the answer for our object, or ``ours/theirs`` when they differ (``theirs``: the
same URL with the ids of the other scope, see ``tests/access/matrix.py``). Answers:
a status code; ``login`` a redirect to the sign-in page; ``redirect`` any other
redirect; ``ok`` (changes only) anything but a refusal (401, 403, 404, ``login``).
A role not named gets 403 when signed in; an anonymous visitor is sent to the sign-in
page, or answered 401 by the open API.

Read each line against ``jingsai.access.policy``: 403 where the role may not use the
page at all, 404 where the object is outside the role's scope (ids in the address
bar reveal nothing). Where a view's answer follows the object's state rather than the
role (a step the lifecycle does not allow now), a comment says so.
"""

ROLES = {
    "ad": "admin",
    "le": "leader",
    "co": "coorganiser",
    "of": "officer",
    "ju": "judge",
    "wo": "worker",
    "rv": "reviewer",
    "no": "nobody",
    "an": "anon",
}

RULES = {
    "api:api-root": {"GET": "*=200"},
    "api:attendance": {"GET": "ad,le,of=200 co=200/404"},
    "api:attendance_record": {"GET": "ad,le,of=200 co=200/404", "PUT": "ad=ok co=ok/404"},
    "api:catalogue_brands": {"GET": "*=200"},
    "api:catalogue_industries": {"GET": "*=200"},
    "api:catalogue_series": {"GET": "*=200"},
    "api:catalogue_years": {"GET": "*=200"},
    "api:catalogue_zones": {"GET": "*=200"},
    "api:certificate_list": {"GET": "ad,le,co,of,ju,wo,rv,no=200"},
    "api:certificate_verify": {"GET": "*=200"},
    "api:competition_detail": {"GET": "*=200"},
    "api:competition_list": {"GET": "*=200"},
    "api:course_list": {"GET": "ad,le,co,of=200"},
    "api:dashboard": {"GET": "ad,le,co,of=200"},
    # the right to register (an open competition) first; then the rows (422)
    "api:entry_bulk_create": {"GET": "*=405", "POST": "ad,of=ok co=403/404"},
    "api:entry_list": {"GET": "ad,le,of=200 co=200/404"},
    # co-organisers see every result (they verify benefits); officers their enterprise's, workers
    # their own
    "api:innovation_detail": {"GET": "ad,le,co=200 of,wo=200/404"},
    "api:innovation_list": {"GET": "ad,le,co,of,wo=200"},
    # the judge's own API: his seat's entries only
    "api:judge_sheet": {"GET": "ju=200/404"},
    "api:judge_sheet_draft": {"GET": "ju=200/404", "PUT": "ju=ok/404"},
    "api:judge_sheet_submit": {"GET": "*=405", "POST": "ju=ok/404"},
    "api:judge_sheets": {"GET": "ju=200"},
    "api:nomination_detail": {"GET": "ad,le=200 co=404 of=200/404"},
    "api:nomination_list": {"GET": "ad,le,co,of=200"},
    "api:openapi-json": {"GET": "*=200"},
    "api:openapi-view": {"GET": "*=200"},
    "api:organisation_detail": {"GET": "ad,le=200 co=404 of=200/404"},
    "api:organisation_list": {"GET": "ad,le,co,of=200"},
    # results before publication: whoever follows the marking, and leadership (can_read_results);
    # the rest 404 as if there were none
    "api:result_list": {"GET": "ad,le=200 co=200/404 of,ju,wo,rv,no,an=404"},
    "api:session_list": {"GET": "ad,le,of=200 co=200/404"},
    "api:worker_detail": {"GET": "ad,le=200 of=200/404"},
    "api:worker_list": {"GET": "ad,le,of=200"},
    "backoffice:account_create": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:account_detail": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:account_list": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:account_reset_second_factor": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:account_set_active": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:application_review": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:application_submit": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:attachment_add": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:attachment_download": {
        "GET": "ad,le,of=200 co=200/404",
        "POST": "ad,le,of=ok co=ok/404",
    },
    "backoffice:audit_list": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:brand_edit": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:catalogue": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:certification_apply": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:certification_batch_pdf": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:certification_certificates": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:certification_pdf": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:certification_revoke": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:certification_rule_create": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:certification_rule_edit": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:certification_rule_remove": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:certification_rules": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:competition_create": {"GET": "ad,co=200", "POST": "ad,co=ok"},
    "backoffice:competition_detail": {
        "GET": "ad,le,of=200 co=200/404",
        "POST": "ad,le,of=ok co=ok/404",
    },
    "backoffice:competition_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:competition_list": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    # judging → public notice is a programme admin's move (lifecycle.MOVES)
    "backoffice:competition_move": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=403/404"},
    "backoffice:dashboard": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:dashboard_data": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:dashboard_drill": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:dashboard_drill_export": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:dashboard_report": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:dashboard_report_pdf": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:dashboard_settings": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:dashboard_settings_points": {"GET": "ad=200", "POST": "ad=ok"},
    # approve is the organisers' (can_review_entries); leadership reads only
    "backoffice:entry_detail": {
        "GET": "ad,le=200 co,of=200/404",
        "POST": "ad=ok co=ok/404 of=403/404",
    },
    "backoffice:entry_export": {"GET": "ad,le,of=200 co=200/404", "POST": "ad,le,of=ok co=ok/404"},
    "backoffice:entry_list": {"GET": "ad,le,of=200 co=200/404", "POST": "ad,le,of=ok co=ok/404"},
    "backoffice:grant_add": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:grant_revoke": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_category": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:honours_category_export": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:honours_category_rules": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:honours_criterion_create": {"GET": "ad=redirect", "POST": "ad=ok"},
    "backoffice:honours_criterion_delete": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_criterion_edit": {"GET": "ad=redirect", "POST": "ad=ok"},
    "backoffice:honours_index": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:honours_nominate": {"GET": "ad,co,of=200", "POST": "ad,co,of=ok"},
    "backoffice:honours_nominate_subject": {
        "GET": "ad,co=200 of=200/404",
        "POST": "ad,co=ok of=ok/404",
    },
    # nominators see their organisations' nominations: our co-organiser nominated neither
    "backoffice:honours_nomination": {
        "GET": "ad,le=200 co=404 of=200/404",
        "POST": "ad,le=ok co=404 of=ok/404",
    },
    "backoffice:honours_nomination_edit": {
        "GET": "ad=redirect co=404 of=redirect/404",
        "POST": "ad=ok co=404 of=ok/404",
    },
    "backoffice:honours_nomination_file": {
        "GET": "ad,le=200 co=404 of=200/404",
        "POST": "ad,le=ok co=404 of=ok/404",
    },
    # state: the round is past nomination, so even the officer's own nomination stays
    # (can_withdraw_nomination)
    "backoffice:honours_nomination_withdraw": {
        "GET": "ad,co,of=405",
        "POST": "ad=ok co=404 of=403/404",
    },
    "backoffice:honours_rev_add": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_rev_category": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_rev_conflict": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_rev_index": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_rev_nomination": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_rev_remove": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_rev_reopen": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_round": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:honours_round_create": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_round_recheck": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_round_settings": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:honours_sel_category": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_certificate_pdf": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_honours": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_index": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_move": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_sel_notice": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_propose": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_sel_rerating_decide": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_sel_rerating_schedule": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_sel_reratings": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_resolve": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:honours_sel_round": {"GET": "ad,le=200", "POST": "ad,le=ok"},
    "backoffice:honours_sel_tie": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:innovation_adopt": {"GET": "ad,le,co,of=405", "POST": "ad=ok of=ok/404"},
    "backoffice:innovation_create": {"GET": "ad,of=200", "POST": "ad,of=ok"},
    "backoffice:innovation_detail": {
        "GET": "ad,le,co=200 of=200/404",
        "POST": "ad,le,co=ok of=ok/404",
    },
    "backoffice:innovation_edit": {"GET": "ad=200 of=200/404", "POST": "ad=ok of=ok/404"},
    "backoffice:innovation_export": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:innovation_file": {
        "GET": "ad,le,co=200 of=200/404",
        "POST": "ad,le,co=ok of=ok/404",
    },
    "backoffice:innovation_file_add": {"GET": "ad,le,co,of=405", "POST": "ad=ok of=ok/404"},
    "backoffice:innovation_file_remove": {"GET": "ad,le,co,of=405", "POST": "ad=ok of=ok/404"},
    "backoffice:innovation_list": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:innovation_recognise": {"GET": "ad,le,co,of=405", "POST": "ad=ok of=403/404"},
    # co-organisers reject only adopted results (can_reject_innovation)
    "backoffice:innovation_reject": {"GET": "ad,le,co,of=405", "POST": "ad=ok of=ok/404"},
    "backoffice:innovation_start_review": {"GET": "ad,le,co,of=405", "POST": "ad=ok of=ok/404"},
    "backoffice:innovation_statistics": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:innovation_statistics_export": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:innovation_tier_delete": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:innovation_tier_edit": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:innovation_tiers": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:innovation_verify": {"GET": "ad,le,co,of=405", "POST": "ad,co=ok of=403/404"},
    "backoffice:judging_assignments": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_blind_codes": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_criterion_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_criterion_delete": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_criterion_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_draw_blind_codes": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_make_chief": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_overview": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_panel": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_remove_judge": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_stage_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_stage_delete": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_stage_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:judging_unassign": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_assessor_remove": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_assessors": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_bonus": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_bonus_remove": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_check": {"GET": "ad,le=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_confirm": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_conflict_remove": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_finalise": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_import": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_import_report": {"GET": "ad,co=200/404", "POST": "ad,co=ok/404"},
    "backoffice:league_import_template": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_monthly": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_overview": {"GET": "ad,le=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_participant_checks": {
        "GET": "ad,le=200 co=200/404",
        "POST": "ad,le=ok co=ok/404",
    },
    "backoffice:league_participant_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_participant_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_participants": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_period": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_period_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_period_delete": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_period_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_periods": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_photo": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_publish": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_ranking": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_ranking_xlsx": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_reopen": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_scheme": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_scheme_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_scheme_delete": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_scheme_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:league_standings": {"GET": "ad,le=200 co=200/404", "POST": "ad,le=ok co=ok/404"},
    "backoffice:league_standings_xlsx": {
        "GET": "ad,le=200 co=200/404",
        "POST": "ad,le=ok co=ok/404",
    },
    "backoffice:league_take_in": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_veto": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:league_veto_remove": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:level_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:level_delete": {"GET": "ad,le,co,of=405", "POST": "ad=ok co=ok/404"},
    "backoffice:level_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    # appeals: programme admins and arbitrators (can_decide_appeals), not the organisers
    "backoffice:marking_appeal": {"GET": "ad=200 co,ju=403/404", "POST": "ad=ok co,ju=403/404"},
    # may_appeal: our entries are the officer's enterprise's and the worker's; the officer has
    # none in theirs (403), the worker does not reach it (404)
    "backoffice:marking_appeal_lodge": {
        "GET": "of=200/403 wo=200/404",
        "POST": "of=ok/403 wo=ok/404",
    },
    "backoffice:marking_appeals": {"GET": "ad=200 co,ju=403/404", "POST": "ad=ok co,ju=403/404"},
    # computing is the managers' (can_manage_judging), not the chief judge's
    "backoffice:marking_compute": {
        "GET": "ad,le,co,of,ju=405",
        "POST": "ad=ok co=ok/404 ju=403/404",
    },
    # the chief judge's step (is_chief_judge): not even a programme admin
    "backoffice:marking_confirm": {"GET": "ad,le,co,of,ju=405", "POST": "co=403/404 ju=ok/404"},
    # imports and paper sheets: the managers', not the chief judge's
    "backoffice:marking_import": {
        "GET": "ad=200 co=200/404 ju=403/404",
        "POST": "ad=ok co=ok/404 ju=403/404",
    },
    "backoffice:marking_import_report": {
        "GET": "ad,co=200/404 ju=403/404",
        "POST": "ad,co=ok/404 ju=403/404",
    },
    "backoffice:marking_import_template": {
        "GET": "ad=200 co=200/404 ju=403/404",
        "POST": "ad=ok co=ok/404 ju=403/404",
    },
    # judging → public notice is a programme admin's move
    "backoffice:marking_notice": {"GET": "ad,le,co,of,ju=405", "POST": "ad=ok co,ju=403/404"},
    "backoffice:marking_paper": {
        "GET": "ad=200 co=200/404 ju=403/404",
        "POST": "ad=ok co=ok/404 ju=403/404",
    },
    "backoffice:marking_paper_check": {
        "GET": "ad=200 co=200/404 ju=403/404",
        "POST": "ad=ok co=ok/404 ju=403/404",
    },
    "backoffice:marking_progress": {"GET": "ad=200 co,ju=200/404", "POST": "ad=ok co,ju=ok/404"},
    # state: judging → published is no move, refused to all
    "backoffice:marking_publish": {"GET": "ad,le,co,of,ju=405", "POST": "co,ju=403/404"},
    # the chief judge's step (is_chief_judge)
    "backoffice:marking_reopen": {
        "GET": "ad,le,co,of,ju=405",
        "POST": "co=403/404 ju=ok/404",
    },
    # state: only published results are re-opened, refused to all
    "backoffice:marking_results_reopen": {
        "GET": "ad,le,co,of,ju=405",
        "POST": "co,ju=403/404",
    },
    "backoffice:marking_results": {
        "GET": "ad,le=200 co,ju=200/404",
        "POST": "ad,le=ok co,ju=ok/404",
    },
    "backoffice:marking_results_csv": {
        "GET": "ad,le=200 co,ju=200/404",
        "POST": "ad,le=ok co,ju=ok/404",
    },
    "backoffice:marking_results_xlsx": {
        "GET": "ad,le=200 co,ju=200/404",
        "POST": "ad,le=ok co,ju=ok/404",
    },
    "backoffice:marking_sheet": {"GET": "ad=200 co,ju=200/404", "POST": "ad=ok co,ju=ok/404"},
    # the chief judge's step (is_chief_judge)
    "backoffice:marking_sheet_correct": {
        "GET": "ad,le,co,of,ju=405",
        "POST": "co=403/404 ju=ok/404",
    },
    "backoffice:marking_sheet_return": {
        "GET": "ad,le,co,of,ju=405",
        "POST": "co=403/404 ju=ok/404",
    },
    "backoffice:marking_workbook_template": {
        "GET": "ad=200 co=200/404 ju=403/404",
        "POST": "ad=ok co=ok/404 ju=403/404",
    },
    "backoffice:organisation_create": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:organisation_detail": {
        "GET": "ad,le=200 co=404 of=200/404",
        "POST": "ad,le=ok co=404 of=ok/404",
    },
    "backoffice:organisation_edit": {
        "GET": "ad=200 co=404 of=200/404",
        "POST": "ad=ok co=404 of=ok/404",
    },
    "backoffice:organisation_export": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:organisation_list": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    # the enterprise's own officer reports its preliminary round; officers see every competition
    # but drafts
    "backoffice:preliminary": {"GET": "co=403/404 of=200", "POST": "co=403/404 of=ok"},
    # can_register: programme admins and officers, while open; officers see every competition but
    # drafts
    "backoffice:register": {"GET": "ad,of=200 co=403/404", "POST": "ad,of=ok co=403/404"},
    # import reports: a report kept in this session; theirs (another session's) 404
    "backoffice:roster_report": {"GET": "ad,le,co,of=200/404", "POST": "ad,le,co,of=ok/404"},
    "backoffice:roster_template": {
        "GET": "ad,le,of=200 co=200/404",
        "POST": "ad,le,of=ok co=ok/404",
    },
    "backoffice:roster_upload": {"GET": "ad,of=200 co=403/404", "POST": "ad,of=ok co=403/404"},
    "backoffice:skills_import": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:skills_import_report": {"GET": "ad=200/404", "POST": "ad=ok/404"},
    "backoffice:skills_import_template": {"GET": "ad=200", "POST": "ad=ok"},
    "backoffice:skills_record_level": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:skills_revoke": {"GET": "ad=405", "POST": "ad=ok"},
    "backoffice:training_attendance": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:training_attendance_import": {
        "GET": "ad=200 co=200/404",
        "POST": "ad=ok co=ok/404",
    },
    "backoffice:training_attendance_report": {"GET": "ad,co=200/404", "POST": "ad,co=ok/404"},
    "backoffice:training_attendance_template": {
        "GET": "ad=200 co=200/404",
        "POST": "ad=ok co=ok/404",
    },
    "backoffice:training_course_create": {"GET": "ad,co=200", "POST": "ad,co=ok"},
    "backoffice:training_course_detail": {
        "GET": "ad,le,of=200 co=200/404",
        "POST": "ad,le,of=ok co=ok/404",
    },
    "backoffice:training_course_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:training_course_export": {
        "GET": "ad,le,of=200 co=200/404",
        "POST": "ad,le,of=ok co=ok/404",
    },
    "backoffice:training_course_list": {"GET": "ad,le,co,of=200", "POST": "ad,le,co,of=ok"},
    "backoffice:training_enrol": {"GET": "ad,of=200 co=200/404", "POST": "ad,of=ok co=ok/404"},
    # leadership reads the enrolments but may not cancel one (403)
    "backoffice:training_enrolment_cancel": {
        "GET": "ad,le,co,of=405",
        "POST": "ad=ok co,of=ok/404",
    },
    "backoffice:training_session_create": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:training_session_edit": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:worker_create": {"GET": "ad,of=200", "POST": "ad,of=ok"},
    # a programme admin's (a worker with no history); the officer 403 on his own worker, 404 on
    # another's
    "backoffice:worker_delete": {"GET": "ad=200 of=403/404", "POST": "ad=ok of=403/404"},
    "backoffice:worker_detail": {"GET": "ad,le=200 of=200/404", "POST": "ad,le=ok of=ok/404"},
    "backoffice:worker_edit": {"GET": "ad=200 of=200/404", "POST": "ad=ok of=ok/404"},
    "backoffice:worker_export": {"GET": "ad,le,of=200", "POST": "ad,le,of=ok"},
    "backoffice:worker_list": {"GET": "ad,le,of=200", "POST": "ad,le,of=ok"},
    "backoffice:worker_record": {"GET": "ad,le=200 of=200/404", "POST": "ad,le=ok of=ok/404"},
    "backoffice:worker_record_pdf": {"GET": "ad,le=200 of=200/404", "POST": "ad,le=ok of=ok/404"},
    "backoffice:worldskills_export": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:worldskills_medals": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    # public once the results are; before, whoever may read computed results (as the results
    # page: the managers, the chief judge and leadership); 404 to whoever does not reach it
    "backoffice:worldskills_results": {
        "GET": "ad,le=200 co=200/404 ju,wo,rv,no=404",
        "POST": "ad,le=ok co=ok/404 ju,wo,rv,no=404",
    },
    "backoffice:worldskills_results_xlsx": {
        "GET": "ad,le=200 co=200/404 ju,wo,rv,no=404",
        "POST": "ad,le=ok co=ok/404 ju,wo,rv,no=404",
    },
    "backoffice:worldskills_scheme": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:worldskills_upload": {"GET": "ad=200 co=200/404", "POST": "ad=ok co=ok/404"},
    "backoffice:worldskills_upload_report": {"GET": "ad,co=200/404", "POST": "ad,co=ok/404"},
    "backoffice:year_edit": {"GET": "ad=200", "POST": "ad=ok"},
    "certification:verify": {"GET": "*=200"},
    "certification:verify_lookup": {"GET": "*=200"},
    "portal:api_token_revoke": {
        "GET": "ad,le,co,of,ju,wo,rv,no=405",
        "POST": "ad,le,co,of,ju,wo=ok/404",
    },
    "portal:api_tokens": {"GET": "ad,le,co,of,ju,wo=200", "POST": "ad,le,co,of,ju,wo=ok"},
    "portal:assess_check": {"GET": "ju=200/404", "POST": "ju=ok/404"},
    "portal:assess_check_draft": {"GET": "ju=redirect/404", "POST": "ju=ok/404"},
    "portal:assess_check_photos": {"GET": "ju=redirect/404", "POST": "ju=ok/404"},
    "portal:assess_check_submit": {"GET": "ju=redirect/404", "POST": "ju=ok/404"},
    "portal:assess_home": {
        "GET": "ad,le,co,of,ju,wo,rv,no=200",
        "POST": "ad,le,co,of,ju,wo,rv,no=ok",
    },
    "portal:assess_period": {"GET": "ju=200/404", "POST": "ju=ok/404"},
    # the check's assessor and the league's readers; an officer only his self-checks' photos (404)
    "portal:assess_photo": {
        "GET": "ad,le=200 co,ju=200/404 of,wo,rv,no=404",
        "POST": "ad,le=ok co,ju=ok/404 of,wo,rv,no=404",
    },
    "portal:assess_self_check": {"GET": "of=200/404", "POST": "of=ok/404"},
    "portal:assess_self_draft": {"GET": "of=redirect/404", "POST": "of=ok/404"},
    "portal:assess_self_photos": {"GET": "of=redirect/404", "POST": "of=ok/404"},
    "portal:assess_self_submit": {"GET": "of=redirect/404", "POST": "of=ok/404"},
    "portal:home": {"GET": "ad,le,co,of,ju,wo,rv,no=200", "POST": "ad,le,co,of,ju,wo,rv,no=ok"},
    "portal:innovation_detail": {"GET": "wo=200/404", "POST": "wo=ok/404"},
    "portal:innovation_edit": {"GET": "wo=200/404", "POST": "wo=ok/404"},
    "portal:innovation_file": {"GET": "wo=200/404", "POST": "wo=ok/404"},
    "portal:innovation_file_add": {"GET": "wo=405", "POST": "wo=ok/404"},
    "portal:innovation_file_remove": {"GET": "wo=405", "POST": "wo=ok/404"},
    "portal:innovation_list": {"GET": "wo=200", "POST": "wo=ok"},
    "portal:innovation_new": {"GET": "wo=200", "POST": "wo=ok"},
    "portal:judge_sheet": {"GET": "ju=200/404", "POST": "ju=ok/404"},
    "portal:judge_sheet_draft": {"GET": "ju=redirect/404", "POST": "ju=ok/404"},
    "portal:judge_sheet_submit": {"GET": "ju=redirect/404", "POST": "ju=ok/404"},
    "portal:judging": {"GET": "ju=200", "POST": "ju=ok"},
    "portal:record": {"GET": "wo=200", "POST": "wo=ok"},
    "portal:record_pdf": {"GET": "wo=200", "POST": "wo=ok"},
    "portal:review_file": {"GET": "rv=200/404", "POST": "rv=ok/404"},
    "portal:review_home": {"GET": "rv=200", "POST": "rv=ok"},
    "portal:review_sheet": {"GET": "rv=200/404", "POST": "rv=ok/404"},
    "portal:review_sheet_draft": {"GET": "rv=405", "POST": "rv=ok/404"},
    "portal:review_sheet_submit": {"GET": "rv=405", "POST": "rv=ok/404"},
    "public:attachment_download": {"GET": "*=200"},
    "public:competition_detail": {"GET": "*=200"},
    "public:competition_list": {"GET": "*=200"},
    # nothing published, no notice running in this world: 404 to all
    "public:competition_results": {"GET": "*=404", "POST": "*=404"},
    "public:exhibition": {"GET": "*=200"},
    "public:exhibition_year": {"GET": "*=200"},
    "public:honours_index": {"GET": "*=200"},
    "public:honours_notice": {"GET": "*=200"},
    "public:honours_objection": {"GET": "*=404", "POST": "*=404"},
    "public:honours_objection_received": {"GET": "*=404", "POST": "*=404"},
    "public:honours_year": {"GET": "*=200"},
    "public:landing": {"GET": "ad,le,co,of,ju,wo,rv,no=redirect an=200"},
    "public:league": {"GET": "*=404", "POST": "*=404"},
    # unpublished history to whoever reads the participant (can_read_participant); nothing is
    # published, 404 to the rest
    "public:league_participant": {
        "GET": "ad,le=200 co,of,ju=200/404 wo,rv,no,an=404",
        "POST": "ad,le=ok co,of,ju=ok/404 wo,rv,no,an=404",
    },
    "public:login": {"GET": "ad,le,co,of,ju,wo,rv,no=redirect an=200"},
    "public:logout": {
        "GET": "ad,le,co,of,ju,wo,rv,no=405",
        "POST": "ad,le,co,of,ju,wo,rv,no=login",
    },
    "public:set_language": {"GET": "*=redirect"},
    "public:two_factor_setup": {
        "GET": "ad,le,co,of,ju,wo,rv,no=redirect",
        "POST": "ad,le,co,of,ju,wo,rv,no=ok",
    },
    "public:two_factor_verify": {
        "GET": "ad,le,co,of,ju,wo,rv,no=redirect",
        "POST": "ad,le,co,of,ju,wo,rv,no=ok",
    },
}


def _answer(text: str):
    return int(text) if text.isdigit() else text


def parse(spec: str) -> dict[str, tuple]:
    """``"ad,le=200 of=200/404"`` → {"admin": (200, 200), "leader": ..., "officer": (200, 404)}."""
    answers = {}
    for group in spec.split():
        roles, _eq, answer = group.partition("=")
        ours, _slash, theirs = answer.partition("/")
        pair = (_answer(ours), _answer(theirs or ours))
        for code in ROLES if roles == "*" else roles.split(","):
            role = ROLES[code]
            assert role not in answers, f"{role} twice in {spec!r}"
            answers[role] = pair
    return answers


PARSED = {
    key: {method: parse(spec) for method, spec in rule.items()} for key, rule in RULES.items()
}


def expected(key: str, route: str, method: str, role: str, variant: str):
    answers = PARSED[key][method]
    if role in answers:
        ours, theirs = answers[role]
        return ours if variant == "ours" else theirs
    if role == "anon":
        return 401 if route.startswith("api/") else "login"
    return 403
