from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_year(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    MatterList = apps.get_model("matters", "MatterList")
    Matter.objects.update(year=Subquery(MatterList.objects.filter(pk=OuterRef("year_list_id")).values("year")[:1]))


class Migration(migrations.Migration):
    dependencies = [("matters", "0003_report_search")]

    operations = [
        migrations.AddField(
            model_name="matter",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="year"),
        ),
        migrations.RunPython(fill_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="matter",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="year"),
        ),
        migrations.AlterModelOptions(
            name="matter",
            options={
                "ordering": ["year", "code"],
                "verbose_name": "key cooperation matter",
                "verbose_name_plural": "key cooperation matters",
            },
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(fields=["partnership", "year", "code"], name="matters_mat_partner_efef8d_idx"),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(fields=["year_list", "due_date"], name="matters_mat_year_li_50ad1e_idx"),
        ),
    ]
