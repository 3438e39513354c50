"""Create the database cache table with the schema, so `migrate` is all a deploy needs."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_api_tokens")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
