"""Settings for the test suite: production settings with a test key and fast hashing."""

import os

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-with-enough-length-and-entropy-0123456789"
)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from kzstudy.settings import *  # noqa: F403
from kzstudy.settings import STORAGES

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs `collectstatic`; tests serve from the finders instead.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The in-repo test platform serves plain http on 127.0.0.1; tests of the production policy
# turn these off again (tests/outbound/).
OUTBOUND_ALLOW_HTTP = LTI_ALLOW_HTTP = True
OUTBOUND_ALLOW_PRIVATE_NETWORKS = True
# Enqueued tasks are kept, not run: a test about the worker sets the database backend itself
# (tests/lti/test_grade_tasks.py), so no other test sends grades behind its back.
TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
# The project's SQLite engine is Django's with a writers' queue (kzstudy/sqlite_backend), and
# pytest-django knows SQLite by Django's engine name only: name the test database as Django
# would (in memory), or xdist workers would each be given a file name built from the path.
if DATABASES["default"]["ENGINE"] == "kzstudy.sqlite_backend":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"  # noqa: F405
