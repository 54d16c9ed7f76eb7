"""The retention schedule: how long Syslead keeps each kind of record, what starts the clock, and
what happens when the time is up. This table is the one source: ``manage.py apply_retention``
applies it, the privacy notice prints it, and ``docs/retention.md`` is generated from it
(``manage.py retention_doc``; a test fails when the document and this table differ).

Two actions:

- *delete*: the rows go, with what hangs off them and their timeline events;
- *anonymise*: the record stays whole (dates, days, hours, statuses, amounts, ratings: what counts,
  KPIs and invoices are made of) while the people in it are unlinked and its free text is
  replaced, so nothing left identifies anyone.

Safeguarding concerns: the statutory guidance (Keeping children safe in education; the records
management toolkit for schools) keeps a child protection file until the child's 25th birthday, and
an allegation about a member of staff until their normal retirement age or for 10 years, whichever
is longer. Syslead holds no pupil's date of birth, so a concern is kept 25 years from the day it
was raised: that reaches the 25th birthday of any child of school or nursery age and is longer
than 10 years. The school's designated safeguarding lead keeps the child protection file itself;
Syslead's concern is the record that the concern was raised and acted on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def label(self) -> str:
        parts = []
        for value, one in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if value:
                parts.append(f"{value} {one}{'' if value == 1 else 's'}")
        return ", ".join(parts) or "none"

    def before(self, day: dt.date) -> dt.date:
        """The day ``day`` minus this period (29 February steps back to the 28th)."""
        months = day.year * 12 + (day.month - 1) - self.years * 12 - self.months
        year, month = divmod(months, 12)
        month += 1
        for last in (31, 30, 29, 28):
            try:
                moved = dt.date(year, month, min(day.day, last))
            except ValueError:
                continue
            break
        return moved - dt.timedelta(days=self.days)


@dataclass(frozen=True)
class RetentionRule:
    """One row of the schedule: a record is due once ``period`` has passed since its clock
    started, that is once the clock's day is on or before ``period.before(today)``."""

    key: str
    record_type: str
    clock_starts: str
    period: Period
    action: Action
    what_happens: str
    legal_basis: str


#: Notes of visit, agreements and invoices: the agreement's end plus six years.
SIX_YEARS = Period(years=6)
AGREEMENT_ENDS = (
    "The agreement ends: the day it ended (or its intended end date) once it is completed, "
    "ended early, cancelled or replaced by a new version"
)
FINANCE_BASIS = (
    "Contract and legal obligation (UK GDPR article 6(1)(b) and (c)): claims on a contract can be "
    "brought for six years (Limitation Act 1980) and schools, trusts and local authorities keep "
    "financial records for six years after the year they belong to."
)

RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        key="notes_of_visit",
        record_type="Notes of visit with their action points, and the deployment record "
        "(logged time and the terms shared)",
        clock_starts=AGREEMENT_ENDS,
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="Focus, progress, issues, comments and action points are replaced and the "
        "people unlinked (including the name the deployment record was signed with); dates, "
        "sessions, hours and statuses stay, so delivered days and "
        "invoices still add up.",
        legal_basis=FINANCE_BASIS + " Delivered days are the evidence behind each invoice.",
    ),
    RetentionRule(
        key="agreements",
        record_type="Agreements (the four-party contract), their objectives, signatures and "
        "changes",
        clock_starts=AGREEMENT_ENDS,
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="Named contacts, e-mail addresses, staff involved and reasons are replaced "
        "and the people unlinked (including who stated the delivery and signed it off; the "
        "people copied in are removed); the schools, dates, days, costs and objectives stay.",
        legal_basis=FINANCE_BASIS,
    ),
    RetentionRule(
        key="invoices",
        record_type="Invoices and their lines",
        clock_starts=AGREEMENT_ENDS,
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="Who made the invoice is unlinked and a cancellation reason replaced; "
        "numbers, amounts, dates and the schools stay (they name no person).",
        legal_basis=FINANCE_BASIS,
    ),
    RetentionRule(
        key="feedback_and_evaluation",
        record_type="Termly feedback, progress reviews, the end-of-support evaluation, the "
        "leader's self-evaluation and the final report",
        clock_starts=AGREEMENT_ENDS,
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="Comments and written answers are replaced and the people unlinked; the "
        "red, amber and green ratings and the dates stay for the outcome figures.",
        legal_basis="Public task and legitimate interests (article 6(1)(e) and (f)): the broker "
        "shows the impact of the support it commissioned; kept as long as the agreement.",
    ),
    RetentionRule(
        key="qa_checks",
        record_type="Quality assurance checks of a note of visit or an end-of-support "
        "evaluation (the coordinator's judgement and comment), and who drew the termly sample",
        clock_starts=AGREEMENT_ENDS + " (the agreement of the note or evaluation checked); for "
        "the sample, the day it was drawn, once every check in it is anonymised",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="The comment is replaced and who checked it unlinked; the outcome (meets "
        "the standard or needs improvement) and the dates stay for the quality figures. Who "
        "drew the sample is unlinked; the term and the counts stay.",
        legal_basis="Legitimate interests and public task (article 6(1)(e) and (f)): the broker "
        "quality-assures the leaders' work; kept as long as the note or evaluation checked.",
    ),
    RetentionRule(
        key="evidence_packs",
        record_type="Impact evidence packs (PDF copies of an agreement's records)",
        clock_starts=AGREEMENT_ENDS,
        period=SIX_YEARS,
        action=Action.DELETE,
        what_happens="Deleted: a pack is a copy, and it would keep the text the records lose.",
        legal_basis="As the records it copies.",
    ),
    RetentionRule(
        key="documents",
        record_type="Documents shared on an agreement or on the request it answers (data packs, "
        "SIP reports, briefing papers, development plans), with their files",
        clock_starts=AGREEMENT_ENDS,
        period=SIX_YEARS,
        action=Action.DELETE,
        what_happens="Deleted with their stored files: the agreement's own records say what "
        "was done. A request's documents go once every agreement made for it is due.",
        legal_basis="Contract and public task (article 6(1)(b) and (e)): the papers the support "
        "was planned and delivered on, kept as long as the agreement.",
    ),
    RetentionRule(
        key="concerns",
        record_type="Safeguarding and other serious concerns, with the actions taken",
        clock_starts="The concern is raised",
        period=Period(years=25),
        action=Action.DELETE,
        what_happens="Deleted with its actions and its timeline.",
        legal_basis="Legal obligation and public task (article 6(1)(c) and (e); special "
        "category data under the Data Protection Act 2018, schedule 1, safeguarding of children "
        "and individuals at risk). The statutory guidance keeps child protection records until "
        "the child is 25 and allegations about staff for at least 10 years; Syslead holds no "
        "date of birth, so 25 years from the concern covers every pupil.",
    ),
    RetentionRule(
        key="first_meetings",
        record_type="The first meeting between the chosen leader and the school (who attends, "
        "where, notes and what was agreed)",
        clock_starts=AGREEMENT_ENDS + "; for a request that led to no agreement, the day the "
        "first meeting was last updated",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="Who attends, the place, the notes and the objectives agreed are replaced "
        "and who updated it unlinked; the dates and the days agreed stay. A request's first "
        "meetings go once every agreement made for it is due.",
        legal_basis="Contract and public task (article 6(1)(b) and (e)): what the agreement was "
        "drafted from, kept as long as the agreement, as the notes of visit are.",
    ),
    RetentionRule(
        key="brokering_records",
        record_type="How a leader was found for a request: the shortlist (with the reasons for "
        "changing it), the approaches to leaders and their answers, and leaders offered by "
        "another broker (commissions)",
        clock_starts=AGREEMENT_ENDS + "; for a request that led to no agreement, the day the "
        "request was last updated",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="The reasons for changing the shortlist, the approach's message and the "
        "reason for declining, and the note on a commission are replaced, and who added, judged, "
        "sent, proposed or decided them unlinked; the leaders, scores, ranks, statuses and dates "
        "stay. A request's records go once every agreement made for it is due.",
        legal_basis="Public task and legitimate interests (article 6(1)(e) and (f)): how the "
        "broker chose the leader, kept as long as the agreement made from it, as the first "
        "meeting is.",
    ),
    RetentionRule(
        key="package_proposals",
        record_type="Package proposals (the members and days a package's lead proposes, the "
        "coordinator's decision)",
        clock_starts="The proposal is decided (or made, if never decided), once every agreement "
        "of its package is due",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="The lead's note and the reason for returning it are replaced and who "
        "proposed and decided unlinked; the members proposed, their days and the status stay.",
        legal_basis="Contract and public task (article 6(1)(b) and (e)): how the package's "
        "agreements came about, kept as long as them.",
    ),
    RetentionRule(
        key="leader_concerns",
        record_type="Concerns about a leader's work or raised by a leader (not safeguarding), "
        "with their actions log",
        clock_starts="The concern is closed (its last action)",
        period=SIX_YEARS,
        action=Action.DELETE,
        what_happens="Deleted with its actions and its timeline. A concern not closed is never "
        "due.",
        legal_basis="Legitimate interests and public task (article 6(1)(e) and (f)): the broker "
        "quality-assures the leaders it deploys and answers for how it dealt with a concern; "
        "kept as long as the agreements the concerns are about. A safeguarding concern or an "
        "allegation about staff is raised as a safeguarding concern instead, kept 25 years.",
    ),
    RetentionRule(
        key="termly_reviews",
        record_type="Termly reviews of a leader with the broker, and the training needs found "
        "there",
        clock_starts="The review is held",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="Who attended, the notes and the needs' descriptions are replaced and who "
        "recorded them (or marked a need met) unlinked; the dates, terms, the kind of training "
        "and whether each need was met stay.",
        legal_basis="Legitimate interests and public task (article 6(1)(e) and (f)): the broker "
        "supports and quality-assures its leaders; kept as long as the notes of visit.",
    ),
    RetentionRule(
        key="performance_feedback",
        record_type="The annual performance feedback a broker gives one of its leaders",
        clock_starts="The academic year it is for ends (31 August)",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="The strengths and areas to develop are replaced and who wrote it "
        "unlinked; the year, whether the leader meets the standard and when it was shared stay.",
        legal_basis="Legitimate interests and public task (article 6(1)(e) and (f)): the broker "
        "supports and quality-assures its leaders; kept as long as the termly reviews.",
    ),
    RetentionRule(
        key="training_feedback",
        record_type="Delegates' feedback on training events",
        clock_starts="The training event is held",
        period=SIX_YEARS,
        action=Action.ANONYMISE,
        what_happens="What the delegate will do differently and their comments are replaced; "
        "the usefulness score stays for the event's figures.",
        legal_basis="Legitimate interests (article 6(1)(f)): the broker evaluates the training "
        "it offers; kept as long as the other feedback.",
    ),
    RetentionRule(
        key="training_invitations",
        record_type="Training invitations (who was invited to an event, at which e-mail address)",
        clock_starts="The training event is held",
        period=Period(years=1),
        action=Action.DELETE,
        what_happens="Deleted: attendance is recorded on its own and kept with the leader's "
        "profile.",
        legal_basis="Legitimate interests (article 6(1)(f)): telling people about training, as "
        "inbox messages.",
    ),
    RetentionRule(
        key="applications_not_designated",
        record_type="Designation applications that were rejected or withdrawn, with their "
        "decisions",
        clock_starts="The last decision on the application (or its submission)",
        period=Period(years=1),
        action=Action.DELETE,
        what_happens="Deleted with its decisions.",
        legal_basis="Legitimate interests (article 6(1)(f)): long enough to answer a question or "
        "a challenge about the round; the person may apply again.",
    ),
    RetentionRule(
        key="leavers",
        record_type="The personal data of a person who left (their account was deactivated): "
        "name, e-mail address, profile and pen portrait, governance record, the name they signed "
        "the broker's agreement with, roles, inbox, API tokens; a leader's outcomes tally "
        "(counts only) stays with the profile",
        clock_starts="The account is deactivated",
        period=Period(months=12),
        action=Action.ANONYMISE,
        what_happens='Anonymised as an erasure is: a pseudonym ("Former user 123") replaces '
        "the name and e-mail, the profile's free text goes, the schools they governed are removed "
        "(the roles and years stay, for the designation they back), their signatures of the "
        "broker's agreement keep the date and version under the pseudonym, the account can "
        "never sign in. "
        "The records they wrote stay under their own rows of this schedule. Someone still "
        "needed for live work (a live agreement, a concern not closed) is held until it ends.",
        legal_basis="Legitimate interests (article 6(1)(f)): a year to answer questions about "
        "their recent work; nothing beyond.",
    ),
    RetentionRule(
        key="notifications",
        record_type="Inbox messages and reminders",
        clock_starts="The message is sent",
        period=Period(years=1),
        action=Action.DELETE,
        what_happens="Deleted: the records they point to are kept under their own rows.",
        legal_basis="Legitimate interests (article 6(1)(f)): telling people what to do.",
    ),
    RetentionRule(
        key="read_audit",
        record_type="The audit of reads (who read a concern, an evaluation, a final report, an "
        "evidence pack or a subject access export, and when)",
        clock_starts="The read",
        period=SIX_YEARS,
        action=Action.DELETE,
        what_happens="Deleted.",
        legal_basis="Legal obligation (article 5(2) accountability and article 32 security): "
        "showing who saw sensitive records.",
    ),
    RetentionRule(
        key="subject_access_exports",
        record_type="Subject access exports (the ZIP of everything held about one person)",
        clock_starts="The export is made",
        period=Period(days=7),
        action=Action.DELETE,
        what_happens="Deleted: the ZIP is a copy made to be handed over, not kept.",
        legal_basis="Legal obligation (article 15, right of access).",
    ),
)

RULES_BY_KEY: dict[str, RetentionRule] = {rule.key: rule for rule in RULES}


def rule(key: str) -> RetentionRule:
    return RULES_BY_KEY[key]


def retention_markdown() -> str:
    """The schedule as the Markdown table of ``docs/retention.md``."""

    def cell(text: str) -> str:
        return " ".join(text.replace("|", "\\|").split())

    lines = [
        "# Retention schedule",
        "",
        "<!-- Generated from syslead/privacy/retention.py by `python manage.py retention_doc`: "
        "edit the table there, then run the command. A test fails when they differ. -->",
        "",
        "How long Syslead keeps each kind of record. `python manage.py apply_retention` (daily, "
        "or the `apply_retention_task` background task) deletes or anonymises what is due, "
        "records what it did, and touches nothing that is not due.",
        "",
        "| Record | Clock starts | Kept for | Then | What happens | Legal basis |",
        "|---|---|---|---|---|---|",
    ]
    for row in RULES:
        lines.append(
            "| "
            + " | ".join(
                cell(text)
                for text in (
                    row.record_type,
                    row.clock_starts,
                    row.period.label,
                    str(row.action),
                    row.what_happens,
                    row.legal_basis,
                )
            )
            + " |"
        )
    lines += ["", "## Safeguarding concerns: why 25 years", ""]
    lines += [
        "The statutory guidance keeps a child protection file until the child's 25th birthday, "
        "and an allegation about a member of staff until their normal retirement age or for 10 "
        "years, whichever is longer. Syslead holds no pupil's date of birth, so a concern is "
        "kept 25 years from the day it was raised: that reaches the 25th birthday of any child "
        "of school or nursery age and is longer than 10 years. The school's designated "
        "safeguarding lead keeps the child protection file itself; Syslead's concern is the "
        "record that it was raised and acted on.",
        "",
    ]
    return "\n".join(lines)
