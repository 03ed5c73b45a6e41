from django.db import migrations

from twincity.core.search import keep_vector_in_row_operations


class Migration(migrations.Migration):
    """The matters' stored full-text vector kept in the row (PostgreSQL), so that a search's capped count reads the
    table alone; the vectors already stored apart are rewritten in place."""

    dependencies = [("matters", "0010_dashboard_figures_index")]
    operations = keep_vector_in_row_operations("matters_matter")
