from django.db import migrations

from search import fulltext


def install(apps, schema_editor):
    fulltext.install(schema_editor)


def uninstall(apps, schema_editor):
    fulltext.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("brug_search", "0003_search_entry_fields")]

    operations = [migrations.RunPython(install, uninstall)]
