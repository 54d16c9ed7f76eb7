"""The words of the demo's casework: what schools ask for, the agreements' aims and objectives,
notes of visit, feedback, evaluations and final reports, by the specialism the support is for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from syslead.evaluation.models import EvaluationItem

#: What the school needs, said the way a headteacher would (by specialism code).
FOCUS: dict[str, str] = {
    "leadership": "leadership capacity in a new senior team",
    "governance": "the governing body's challenge and strategic oversight",
    "maths": "maths teaching and the consistency of its sequencing",
    "english": "writing across the school",
    "phonics": "phonics and early reading",
    "science": "the science curriculum and practical work",
    "early_years": "early years provision and the reception baseline",
    "send": "provision for pupils with SEND and the graduated approach",
    "behaviour": "behaviour and routines at unstructured times",
    "attendance": "attendance and persistent absence",
    "assessment": "assessment and the use of data by middle leaders",
    "curriculum": "curriculum design and subject leadership",
    "teaching_and_learning": "the quality of teaching and feedback",
    "disadvantaged_pupils": "outcomes for disadvantaged pupils and the pupil premium strategy",
    "school_business_management": "budget planning and the school's business processes",
    "initial_teacher_training": "support for early career teachers and trainees",
    "safeguarding": "safeguarding culture and record keeping",
}
#: The order a broker would rather meet needs in, when several fit the leaders it has.
PREFERRED_NEEDS = tuple(FOCUS)


def focus(code: str) -> str:
    return FOCUS.get(code, code.replace("_", " "))


def focus_of(needs: list[str]) -> str:
    parts = [focus(code) for code in needs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter (and nothing else changed: "SEND" stays) and a
    full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def request_summary(needs: list[str], reason: str) -> str:
    return f"Support to improve {focus_of(needs)}. {reason}"


REQUEST_REASONS = (
    "Our last inspection identified this as the priority and we want an experienced colleague "
    "alongside our leaders.",
    "A new leader is in post and would benefit from coaching by someone who has done this before.",
    "Our own monitoring shows progress has stalled this year.",
    "Governors have asked for external support to check our plans and their impact.",
)


def aims(needs: list[str]) -> list[str]:
    return [
        f"Improve {focus_of(needs)} so that pupils' outcomes rise measurably.",
        "Build the capacity of the school's own leaders to sustain the improvement.",
    ]


def objectives(needs: list[str], starts_on: dt.date, ends_on: dt.date) -> list[dict[str, Any]]:
    middle = starts_on + (ends_on - starts_on) / 2
    code = needs[0]
    return [
        {
            "text": f"Agree and launch an action plan for {focus(code)}.",
            "outcome": "Every member of staff involved knows the plan and their part in it.",
            "review_on": middle,
            "baseline": "The school's own self-evaluation and the latest monitoring.",
            "actions": "Joint audit, then a plan agreed with the headteacher.",
            "improvement": "A consistent approach seen in every class visited.",
        },
        {
            "text": f"Coach the lead for {focus(code)} to monitor and evaluate impact.",
            "outcome": "The lead carries out monitoring alone and reports to governors.",
            "review_on": ends_on,
            "baseline": "Monitoring led by the headteacher only.",
            "actions": "Joint learning walks and work scrutiny, then coaching.",
            "improvement": "The lead's own evaluation matches the leader's.",
        },
    ]


def agreement_details(needs: list[str], school: str) -> dict[str, str]:
    return {
        "purpose": f"To support {school} to improve {focus_of(needs)}.",
        "intervals": "About one day every three weeks",
        "times_in_school": "Tuesdays or Thursdays, by arrangement",
        "staff_involved": "The headteacher, the subject or phase lead and class teachers.",
        "evaluation_strategy": "Termly review of the objectives against their baselines.",
        "monitoring_arrangements": "Notes of visit agreed after each visit; termly feedback.",
        "exit_arrangements": "The school's lead takes over monitoring in the last term.",
    }


VISIT_FOCUS = (
    "Joint audit of {focus} with the headteacher",
    "Learning walk and discussion with the lead for {focus}",
    "Work scrutiny with the lead, then coaching on feedback",
    "Planning meeting: next steps for {focus}",
    "Observation of the lead's monitoring, with coaching afterwards",
    "Review of the action plan's progress with the headteacher",
)
VISIT_PROGRESS = (
    "Priorities agreed and shared with staff; baseline evidence gathered.",
    "Clear improvement in consistency since the last visit in most classes seen.",
    "The lead's monitoring is sharper and their judgements now match mine.",
    "The plan is on track; two actions are behind because of staff absence.",
)
LEADER_ACTIONS = (
    "Send the school an example monitoring schedule",
    "Share the audit summary with the headteacher",
    "Arrange a visit for the lead to see practice at my school",
    "Draft the termly progress summary for governors",
)
SCHOOL_ACTIONS = (
    "Lead to complete the first round of learning walks",
    "Headteacher to brief governors on the plan",
    "Staff meeting on the agreed approach",
    "Lead to collect work samples from every class",
)


def visit_note(needs: list[str], number: int) -> dict[str, str]:
    text = focus(needs[0])
    return {
        "focus": VISIT_FOCUS[number % len(VISIT_FOCUS)].format(focus=text),
        "progress": VISIT_PROGRESS[number % len(VISIT_PROGRESS)],
        "issues": "" if number % 3 else "Cover for the lead's release time needs confirming.",
    }


def feedback(needs: list[str], days: Decimal) -> dict[str, Any]:
    return {
        "work_managed_by": "The headteacher",
        "days_in_school": days,
        "objectives": f"To improve {focus_of(needs)} and the capacity of our own leaders.",
        "school_actions": "The lead now runs monitoring each half term and reports to governors.",
        "leader_actions": "Continue coaching the lead; review the plan at the next visit.",
        "impact": "Staff are more consistent and our own monitoring shows pupils making better "
        "progress; the lead is more confident.",
    }


EVALUATION = {
    EvaluationItem.PROGRESS_MADE: ("green", "Good progress against both objectives."),
    EvaluationItem.EVIDENCE_OF_IMPACT: ("green", "Monitoring and pupils' work show the change."),
    EvaluationItem.OBJECTIVES_SET: ("green", "Clear and agreed with us at the start."),
    EvaluationItem.INFORMATION_AND_REPORTS: ("amber", "Notes of visit sometimes came late."),
    EvaluationItem.OUTCOMES_AND_PRIORITIES: ("green", "Next steps are clear."),
    EvaluationItem.HEADTEACHER_EXPERIENCE: ("green", "Supportive and challenging in balance."),
    EvaluationItem.STAFF_EXPERIENCE: ("amber", "Some staff wanted more time with the leader."),
    EvaluationItem.QUALITY_OF_SUPPORT: ("green", "Expert, practical and well organised."),
    EvaluationItem.OVERALL_SUCCESS: ("green", "We would ask for this leader again."),
}


def final_report(needs: list[str], school: str) -> dict[str, str]:
    return {
        "work_summary": f"Visits over the year to {school} on {focus_of(needs)}: a joint audit, an "
        "action plan agreed with the headteacher, learning walks, work scrutiny and coaching for "
        "the lead.",
        "impact": "Consistency seen in every class by the final visit; the lead's monitoring now "
        "matches external judgements; governors receive termly reports from the lead.",
        "next_steps": "Keep the monitoring cycle; share practice with a partner school.",
    }
