"""The matter's list kept beside its sides and milestones (the dashboard reads a year's figures from them alone)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    the_list = Subquery(Matter.objects.filter(pk=OuterRef("matter_id")).values("year_list_id")[:1])
    for name in ("MatterSide", "Milestone"):
        apps.get_model("matters", name).objects.using(schema_editor.connection.alias).update(year_list_id=the_list)


class Migration(migrations.Migration):
    dependencies = [("matters", "0011_vector_in_row")]

    operations = [
        migrations.AddField(
            model_name="matterside",
            name="year_list",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="matters.matterlist",
            ),
        ),
        migrations.AddField(
            model_name="milestone",
            name="year_list",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="matters.matterlist",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
