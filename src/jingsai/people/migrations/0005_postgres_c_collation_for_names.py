"""PostgreSQL: names and pinyin initials compare in code-point order (COLLATE "C").

Prefix searches are then plain range scans on the ``(name, id)`` and
``(name_initials, id)`` indexes — the same order SQLite's BINARY gives — whatever
the database's default collation, and results come back in index order with no
sort. The ``text_pattern_ops`` indexes of 0002 are no longer needed.
``tests/test_project.py`` checks that the collation stays.
"""

from django.db import migrations

COLUMNS = [
    ("people_worker", "name", 50),
    ("people_worker", "name_initials", 32),
    ("organisations_organisation", "name", 200),
    ("organisations_organisation", "name_initials", 32),
]
OLD_INDEXES = [
    "worker_name_prefix_pg",
    "worker_initials_prefix_pg",
    "org_name_prefix_pg",
    "org_initials_prefix_pg",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for table, column, length in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({length}) COLLATE "C"'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, length in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({length}) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_fewer_redundant_indexes"),
        ("organisations", "0002_enterprise_name_unique"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
