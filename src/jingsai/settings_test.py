"""Settings for the test suite: production settings, without HTTPS redirects.

``DATABASE_URL`` picks the database, as in production; CI runs the suite once on
SQLite and once on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("HTTPS", "0")

from jingsai.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
JINGSAI_EXHIBITION_CACHE_SECONDS = 0  # each test sees its own data (a test turns it on)
# Sign-in throttling and the second factor are off, so that tests sign in with
# force_login; their own tests (tests/access/test_signin.py) turn them on.
AXES_ENABLED = False
JINGSAI_TWO_FACTOR = False
# The open API's rate limits: far above what any test sends (the counts live in the
# process's cache for the whole run); tests/api/test_throttling.py sets low ones.
JINGSAI_API_RATE_ANON = "100000/min"
JINGSAI_API_RATE_USER = "100000/min"
# Each test run keeps its cache to itself, whatever CACHE_URL the machine has;
# tests/api/test_shared_cache.py sets up the shared one.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
