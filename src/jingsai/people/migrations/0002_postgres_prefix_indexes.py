"""PostgreSQL: ``text_pattern_ops`` indexes so that ``LIKE 'prefix%'`` searches use
an index whatever the database collation (SQLite uses range scans instead; see
:func:`jingsai.common.search.prefix_q`)."""

from django.db import migrations

INDEXES = [
    ("people_worker", "worker_name_prefix_pg", "name"),
    ("people_worker", "worker_initials_prefix_pg", "name_initials"),
    ("organisations_organisation", "org_name_prefix_pg", "name"),
    ("organisations_organisation", "org_initials_prefix_pg", "name_initials"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}" text_pattern_ops, "id")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("organisations", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
