from django.db import migrations

from twincity.core.search import fts_migration_operations


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = fts_migration_operations("meetings.ActionItem", "meetings_actionitem")
