from django.db import migrations

from twincity.core.search import stored_vector_operations


class Migration(migrations.Migration):
    """The matters' full-text vector stored (PostgreSQL): search reads it instead of recomputing it per row."""

    dependencies = [("matters", "0007_due_not_before_start")]
    operations = stored_vector_operations("matters_matter")
