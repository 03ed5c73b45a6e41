"""The lists beside sides and milestones made required, and the dashboard's indexes on them.

Apart from 0012: on PostgreSQL a table whose foreign keys were just written (deferred checks pending) cannot be
altered in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("matters", "0012_list_beside_sides_and_milestones")]

    operations = [
        migrations.AlterField(
            model_name="matterside",
            name="year_list",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="matters.matterlist",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="year_list",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="matters.matterlist",
            ),
        ),
        migrations.RemoveIndex(model_name="milestone", name="milestone_open_by_due"),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=Q(("archived_at__isnull", True), ("done_date__isnull", True)),
                fields=["year_list", "due_date", "side", "matter"],
                name="milestone_open_in_list",
            ),
        ),
        migrations.AddIndex(
            model_name="matterside",
            index=models.Index(fields=["year_list", "region", "percent_complete", "matter"], name="side_progress_in_list"),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=Q(("archived_at__isnull", True), ("status__in", ["approved", "in_progress"])),
                fields=["partnership", "year", "next_milestone_due"],
                name="matter_running_by_milestone",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=Q(("archived_at__isnull", False)), fields=["year_list"], name="matter_archived_in_list"
            ),
        ),
    ]
