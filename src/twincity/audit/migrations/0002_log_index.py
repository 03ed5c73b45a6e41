from django.db import migrations, models


class Migration(migrations.Migration):
    """The audit log's default view (one partnership, newest first) on an index: docs/lists.md."""

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="objectchange",
            index=models.Index(fields=["partnership", "-time", "-id"], name="audit_change_log_idx"),
        ),
    ]
