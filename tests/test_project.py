"""Project-level checks: migrations in step with models, deploy settings clean."""

import os
import subprocess
import sys

from django.core.management import call_command


def test_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jingsai.settings",
        "SECRET_KEY": "k" * 64 + "-production-like-secret-Xq9",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "jingsai.example.org",
        "JINGSAI_DATA_DIR": str(tmp_path),
    }
    env.pop("HTTPS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "-m", "jingsai", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "jingsai.settings", "JINGSAI_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "jingsai", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_names_compare_in_code_point_order_on_postgresql(db):
    """Prefix searches rely on it (jingsai.common.search.prefix_q)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # SQLite compares text byte-wise (BINARY)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE column_name IN ('name', 'name_initials') "
            "AND table_name IN ('people_worker', 'organisations_organisation')"
        )
        assert {row[2] for row in cursor.fetchall()} == {"C"}
