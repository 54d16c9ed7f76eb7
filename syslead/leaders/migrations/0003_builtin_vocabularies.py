"""The built-in specialisms (docs/api.md) and designation types SLE, LLE, NLE, NLG with their criteria
(docs/rules.md: Designations). A frozen copy: migrations must not import the app's live constants."""

from django.db import migrations

SPECIALISMS = {
    "leadership": "Leadership",
    "governance": "Governance",
    "maths": "Maths",
    "english": "English",
    "phonics": "Phonics",
    "science": "Science",
    "early_years": "Early years",
    "send": "SEND",
    "behaviour": "Behaviour",
    "attendance": "Attendance",
    "assessment": "Assessment",
    "curriculum": "Curriculum",
    "teaching_and_learning": "Teaching and learning",
    "disadvantaged_pupils": "Disadvantaged pupils",
    "school_business_management": "School business management",
    "initial_teacher_training": "Initial teacher training",
    "safeguarding": "Safeguarding",
}

DESIGNATION_TYPES = {
    "SLE": {
        "name": "Specialist Leader of Education",
        "criteria": (
            "An outstanding middle or senior leader in a position below headteacher (a deputy or "
            "assistant headteacher, subject leader, pastoral leader or school business manager), "
            "with at least two years' experience in a particular field of expertise and a "
            "successful track record, supported by substantial evidence of impact, of working "
            "effectively within their own school and/or across a group of schools. Whilst the "
            "individual must be outstanding, their school does not have to be."
        ),
        "min_years_experience": 2,
        "requires_headteacher": False,
        "excludes_headteacher": True,
        "requires_good_or_outstanding_school": False,
        "is_exclusive": False,
        "requires_annual_training": False,
    },
    "LLE": {
        "name": "Local Leader of Education",
        "criteria": (
            "A headteacher with at least 3 years' experience in a good or outstanding school who "
            "has completed successfully a local application and assessment process. An LLE may be "
            "associated with only one broker at a time, which brokers all of the LLE's deployments "
            "exclusively, and attends one mandatory training session a year."
        ),
        "min_years_experience": 3,
        "requires_headteacher": True,
        "excludes_headteacher": False,
        "requires_good_or_outstanding_school": True,
        "is_exclusive": True,
        "requires_annual_training": True,
    },
    "NLE": {
        "name": "National Leader of Education",
        "criteria": (
            "A headteacher or executive headteacher of a good or outstanding school who has "
            "completed successfully a national application and assessment process."
        ),
        "min_years_experience": 0,
        "requires_headteacher": True,
        "excludes_headteacher": False,
        "requires_good_or_outstanding_school": True,
        "is_exclusive": False,
        "requires_annual_training": False,
    },
    "NLG": {
        "name": "National Leader of Governance",
        "criteria": (
            "A chair of governors who has completed successfully a national application and "
            "assessment process."
        ),
        "min_years_experience": 0,
        "requires_headteacher": False,
        "excludes_headteacher": False,
        "requires_good_or_outstanding_school": False,
        "is_exclusive": False,
        "requires_annual_training": False,
    },
}


def create_builtins(apps, schema_editor):
    Specialism = apps.get_model("leaders", "Specialism")
    DesignationType = apps.get_model("leaders", "DesignationType")
    for code, label in SPECIALISMS.items():
        Specialism.objects.update_or_create(
            code=code, organisation=None, defaults={"label": label}
        )
    for code, spec in DESIGNATION_TYPES.items():
        DesignationType.objects.update_or_create(code=code, organisation=None, defaults=spec)


def remove_builtins(apps, schema_editor):
    """Undo: remove the built-ins. Designation types still held by a designation are kept (the
    database protects them); specialisms go, with the leaders' links to them."""
    Specialism = apps.get_model("leaders", "Specialism")
    DesignationType = apps.get_model("leaders", "DesignationType")
    Specialism.objects.filter(organisation=None, code__in=list(SPECIALISMS)).delete()
    DesignationType.objects.filter(
        organisation=None,
        code__in=list(DESIGNATION_TYPES),
        designations__isnull=True,
        rounds__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("leaders", "0002_leaderprofile_created_by_organisation"),
    ]

    operations = [
        migrations.RunPython(create_builtins, remove_builtins),
    ]
