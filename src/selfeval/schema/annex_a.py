"""Annex A: Ofsted's child-level lists asked for at inspection (Lists 1-11), one table each.

Columns are the template's own headings (data/formats/annex_a_template.xlsx) in snake case,
shortened only where a heading is a whole question; ``HEADERS`` keeps each list's exact
headings, which the reader matches (tolerantly) against a workbook's header row. Codes stay as
the LA typed them (e.g. "a) Male", "q) 6: Police"). Annex A is a snapshot taken for one
inspection, so every list is kept per return year (no merge across years).
"""

from __future__ import annotations

from selfeval.schema.base import TableSpec

_PERSON = (
    ("child_unique_id", "Child Unique ID"),
    ("gender", "Gender"),
    ("ethnicity", "Ethnicity"),
    ("date_of_birth", "Date of Birth"),
    ("age", "Age"),
)
_DISABILITY = (("disability", "Does the Child have a Disability"),)
_ALLOCATED = (("allocated_team", "Allocated Team"), ("allocated_worker", "Allocated Worker"))

# (list number, sheet title, [(field, heading)], date fields, integer fields)
_LISTS: tuple[tuple[int, str, tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]], ...]
_LISTS = (
    (
        1,
        "Contacts",
        (*_PERSON, ("date_of_contact", "Date of Contact"), ("contact_source", "Contact Source")),
        ("date_of_birth", "date_of_contact"),
        (),
    ),
    (
        2,
        "Early help",
        (
            *_PERSON,
            ("assessment_start_date", "Assessment start date"),
            ("assessment_completion_date", "Assessment completion date"),
            ("organisation_completing_assessment", "Organisation completing assessment"),
        ),
        ("date_of_birth", "assessment_start_date", "assessment_completion_date"),
        (),
    ),
    (
        3,
        "Referrals",
        (
            *_PERSON,
            ("date_of_referral", "Date of Referral"),
            ("referral_source", "Referral Source"),
            ("referral_nfa", "Referral NFA?"),
            ("referrals_in_last_12_months", "Number of Referrals in Last 12 Months"),
            *_ALLOCATED,
        ),
        ("date_of_birth", "date_of_referral"),
        ("referrals_in_last_12_months",),
    ),
    (
        4,
        "Assessments",
        (
            *_PERSON,
            *_DISABILITY,
            ("assessment_start_date", "Continuous Assessment Start Date"),
            ("child_seen_during_assessment", "Child Seen During Continuous Assessment"),
            ("assessment_authorisation_date", "Continuous Assessment Date of Authorisation"),
            (
                "assessed_as_requiring_support",
                "Was the child assessed as requiring LA children's social care support?",
            ),
            *_ALLOCATED,
        ),
        ("date_of_birth", "assessment_start_date", "assessment_authorisation_date"),
        (),
    ),
    (
        5,
        "Section 47 enquiries and ICPCs",
        (
            *_PERSON,
            *_DISABILITY,
            (
                "s47_start_date",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
            ),
            (
                "icpc_deemed_unnecessary",
                "Was an Initial Child Protection Conference deemed unnecessary?",
            ),
            ("icpc_date", "Date of Initial Child Protection Conference"),
            (
                "icpc_resulted_in_cp_plan",
                "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            ),
            ("s47_in_last_12_months", "Number of Section 47 Enquiries in the last 12 months"),
            ("icpcs_in_last_12_months", "Number of ICPCs in the last 12 months"),
            *_ALLOCATED,
        ),
        ("date_of_birth", "s47_start_date", "icpc_date"),
        ("s47_in_last_12_months", "icpcs_in_last_12_months"),
    ),
    (
        6,
        "Children in need",
        (
            *_PERSON,
            *_DISABILITY,
            ("cin_start_date", "CIN Start Date"),
            ("primary_need_code", "Primary Need Code"),
            ("date_child_last_seen", "Date Child Was Last Seen"),
            ("cin_closure_date", "CIN Closure Date"),
            ("reason_for_closure", "Reason for Closure"),
            ("case_status", "Case Status"),
            *_ALLOCATED,
        ),
        ("date_of_birth", "cin_start_date", "date_child_last_seen", "cin_closure_date"),
        (),
    ),
    (
        7,
        "Child protection",
        (
            *_PERSON,
            *_DISABILITY,
            ("cp_plan_start_date", "Child Protection Plan Start Date"),
            ("initial_category_of_abuse", "Initial Category of Abuse"),
            ("latest_category_of_abuse", "Latest Category of Abuse"),
            ("last_statutory_visit_date", "Date of the Last Statutory Visit"),
            ("child_seen_alone", "Was the Child Seen Alone?"),
            ("latest_review_conference_date", "Date of latest review conference"),
            ("cp_plan_end_date", "Child Protection Plan End Date"),
            (
                "epo_or_police_protection_in_last_6_months",
                "Subject to Emergency Protection Order or Protected Under Police Powers in "
                "Last Six Months (Y/N)",
            ),
            ("previous_cp_plans", "Number of Previous Child Protection Plans"),
            *_ALLOCATED,
        ),
        (
            "date_of_birth",
            "cp_plan_start_date",
            "last_statutory_visit_date",
            "latest_review_conference_date",
            "cp_plan_end_date",
        ),
        ("previous_cp_plans",),
    ),
    (
        8,
        "Children in care",
        (
            *_PERSON,
            (
                "uasc_in_last_12_months",
                "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
            ),
            *_DISABILITY,
            ("date_started_looked_after", "Date Started to be Looked After"),
            ("category_of_need", "Child's Category of Need"),
            (
                "second_period_looked_after_in_last_12_months",
                "Is this a second or subsequent period of being a Looked After Child within "
                "the last 12 months (Y/N)",
            ),
            ("legal_status_start_date", "Start date of current legal status"),
            ("legal_status", "Child's Legal Status"),
            ("latest_statutory_review_date", "Date of Latest Statutory Review"),
            ("last_social_work_visit_date", "Date of Last Social Work Visit"),
            ("permanence_plan", "What is the permanence plan for this child?"),
            ("last_iro_contact_date", "Date of Last IRO Visit / Contact to the Child"),
            ("last_health_assessment_date", "Date of Last Health Assessment"),
            ("last_dental_check_date", "Date of Last Dental Check"),
            ("placements_in_last_12_months", "Number of Placements in the Last 12 months"),
            ("date_ceased_looked_after", "Date Ceased to be Looked After"),
            ("reason_ceased_looked_after", "Reason Ceased to be Looked After"),
            ("latest_placement_start_date", "Start Date of Most Recent Placement"),
            ("placement_type", "Placement Type"),
            ("placement_provider", "Placement Provider"),
            ("placement_postcode", "Placement postcode"),
            ("placement_urn", "URN of Placement"),
            ("placement_location", "Placement Location"),
            ("placement_la", "LA of Placement"),
            (
                "missing_episodes_in_last_12_months",
                "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement "
                "in the last 12 months",
            ),
            (
                "absent_episodes_in_last_12_months",
                "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement "
                "in the last 12 months",
            ),
            (
                "return_interview_offered",
                "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            ),
            (
                "return_interview_accepted",
                "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            ),
            *_ALLOCATED,
        ),
        (
            "date_of_birth",
            "date_started_looked_after",
            "legal_status_start_date",
            "latest_statutory_review_date",
            "last_social_work_visit_date",
            "last_iro_contact_date",
            "last_health_assessment_date",
            "last_dental_check_date",
            "date_ceased_looked_after",
            "latest_placement_start_date",
        ),
        (
            "placements_in_last_12_months",
            "missing_episodes_in_last_12_months",
            "absent_episodes_in_last_12_months",
        ),
    ),
    (
        9,
        "Care leavers",
        (
            *_PERSON,
            *_DISABILITY,
            *_ALLOCATED,
            ("eligibility_category", "Eligibility Category"),
            ("la_in_touch", "LA in Touch"),
            ("type_of_accommodation", "Type of Accommodation"),
            ("suitability_of_accommodation", "Suitability of Accommodation"),
            ("activity_status", "Activity Status"),
        ),
        ("date_of_birth",),
        (),
    ),
    (
        10,
        "Adoption",
        (
            ("child_unique_id", "Child Unique ID"),
            ("family_identifier", "Family identifier"),
            ("gender", "Gender"),
            ("ethnicity", "Ethnicity"),
            ("date_of_birth", "Date of Birth"),
            ("age", "Age of Child (Years)"),
            *_DISABILITY,
            ("date_entered_care", "Date the Child Entered Care"),
            (
                "date_of_decision_to_place_for_adoption",
                "Date of Decision that Child Should be Placed for Adoption",
            ),
            ("date_of_placement_order", "Date of Placement Order"),
            ("date_of_matching", "Date of Matching Child and Prospective Adopters"),
            ("date_placed_for_adoption", "Date Placed for Adoption"),
            ("date_of_adoption_order", "Date of Adoption Order"),
            (
                "date_of_decision_no_longer_to_place",
                "Date of Decision that Child Should No Longer be Placed for Adoption",
            ),
            ("reason_no_longer_placed", "Reason Why Child No Longer Placed for Adoption"),
            (
                "date_placed_ffa_or_concurrent",
                "Date the child was placed for fostering in FFA or concurrent planning placement",
            ),
        ),
        (
            "date_of_birth",
            "date_entered_care",
            "date_of_decision_to_place_for_adoption",
            "date_of_placement_order",
            "date_of_matching",
            "date_placed_for_adoption",
            "date_of_adoption_order",
            "date_of_decision_no_longer_to_place",
            "date_placed_ffa_or_concurrent",
        ),
        (),
    ),
    (
        11,
        "Adopters",
        (
            ("adopter_id", "Individual adopter identifier"),
            ("family_identifier", "Family identifier"),
            ("gender", "Gender"),
            ("ethnicity", "Ethnicity"),
            ("disability", "Disability"),
            ("fostering_for_adoption", "Is the (prospective) adopter fostering for adoption?"),
            ("date_enquiry_received", "Date enquiry received"),
            ("date_stage_1_started", "Date Stage 1 started"),
            ("date_stage_1_ended", "Date Stage 1 ended"),
            ("date_stage_2_started", "Date Stage 2 started"),
            ("date_stage_2_ended", "Date Stage 2 ended"),
            ("date_application_submitted", "Date application submitted"),
            ("date_application_approved", "Date application approved"),
            ("date_matched", "Date adopter matched with child(ren)"),
            ("date_placed", "Date child/children placed with adopter(s)"),
            ("children_placed", "No. of children placed"),
            ("date_of_adoption_order", "Date of Adoption Order"),
            ("date_left_process", "Date of leaving adoption process"),
            ("reason_left_process", "Reason for leaving adoption process"),
        ),
        (
            "date_enquiry_received",
            "date_stage_1_started",
            "date_stage_1_ended",
            "date_stage_2_started",
            "date_stage_2_ended",
            "date_application_submitted",
            "date_application_approved",
            "date_matched",
            "date_placed",
            "date_of_adoption_order",
            "date_left_process",
        ),
        ("children_placed",),
    ),
)

LATER: dict[int, tuple[tuple[str, str], ...]] = {
    9: (
        (
            "uasc",
            "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        ),
        ("allocated_personal_adviser", "Allocated Personal Advisor"),
        ("latest_pathway_plan_review_date", "Latest Pathway Plan Review Date"),
        ("latest_contact_date", "Latest Date of Contact"),
    ),
}
"""Columns other template years have and this template lacks: List 9 from 2024 adds the
care leaver's UASC status, personal adviser, latest pathway plan review and latest contact
(the headings of D2I's Standard Safeguarding Dataset Annex A script, 2024)."""
_LATER_DATES = {9: ("latest_pathway_plan_review_date", "latest_contact_date")}

TABLES: tuple[TableSpec, ...] = tuple(
    TableSpec(
        name=f"annex_a_list{n}",
        fields=tuple(f for f, _ in cols) + tuple(f for f, _ in LATER.get(n, ())),
        dates=dates + _LATER_DATES.get(n, ()),
        integers=ints,
        numbers=("age",) if any(f == "age" for f, _ in cols) else (),
        key=(cols[0][0],),
        required=(cols[0][0],),
        per_year=True,
        source=f"List {n}",
    )
    for n, _title, cols, dates, ints in _LISTS
)

HEADERS: dict[str, dict[str, str]] = {
    f"annex_a_list{n}": dict(cols) for n, _title, cols, _d, _i in _LISTS
}
"""Each list's fields and their exact headings in Ofsted's template."""

OTHER_YEARS: dict[str, dict[str, str]] = {
    f"annex_a_list{n}": dict(cols) for n, cols in LATER.items()
}
"""The headings of columns only other template years have (read when present, never
reported missing)."""

TITLES: dict[str, str] = {f"annex_a_list{n}": title for n, title, *_ in _LISTS}
"""What each list is about (List 1 contacts, ... List 11 adopters)."""
