"""The quiz core's import contract: models, question types, services and selectors never import
the LTI package, the API or the page views, directly or through another module; the API never
imports the page views (the contracts are in pyproject.toml, `[tool.importlinter]`); and
submitting an attempt loads no HTTP or JWT library."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_quiz_core_imports_no_lti_api_or_views():
    linter = Path(sys.executable).with_name("lint-imports")

    run = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "The API imports no page views" in run.stdout
    assert "2 kept, 0 broken" in run.stdout


# Django starts with every app's ready(), which may load the LTI package and what it needs.
# So the check forgets those modules after setup, makes them unimportable, and imports the
# submission service (and the core it imports) afresh: any path from it to the LTI package,
# requests or jwt now fails loudly.
FRESH_IMPORT = textwrap.dedent(
    """
    import importlib.abc, sys
    import django
    django.setup()
    BLOCKED = ("requests", "jwt")
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED or name.startswith(
            ("quizzes.lti", "quizzes.services", "quizzes.selectors", "quizzes.api")
        ):
            del sys.modules[name]

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"the quiz core imported {name}")
            return None

    sys.meta_path.insert(0, Block())
    import quizzes.services.submission
    import quizzes.services.grading
    loaded = sorted(n for n in sys.modules if n.split(".")[0] in BLOCKED or n.startswith("quizzes.lti"))
    print("loaded:", loaded)
    """
)


def test_submitting_an_attempt_loads_no_http_or_jwt_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kzstudy.settings_test"}

    run = subprocess.run(
        [sys.executable, "-c", FRESH_IMPORT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("loaded: []"), run.stdout
