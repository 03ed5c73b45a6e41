from django.db import migrations, models


def refuse_matters_due_before_their_start(apps, schema_editor):
    """The constraint would fail on such a row; say which ones, rather than change the office's dates."""
    Matter = apps.get_model("matters", "Matter")
    bad = Matter.objects.filter(due_date__lt=models.F("start_date")).values_list("pk", "year", "code")
    if bad.exists():
        listed = ", ".join(f"{year} {code} (id {pk})" for pk, year, code in bad[:20])
        raise RuntimeError(
            f"{bad.count()} matter(s) have a due date before their start date: {listed}. "
            "Correct their dates, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0006_year_within_1949_2100"),
    ]

    operations = [
        migrations.RunPython(refuse_matters_due_before_their_start, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="matter",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("start_date__isnull", True),
                    ("due_date__isnull", True),
                    ("due_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="matter_due_not_before_start",
                violation_error_message="The due date is before the start date.",
            ),
        ),
    ]
