"""Fixtures shared by the whole suite."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ARTICLE_FILE = "human-rights-reforms-in-kazakhstan.md"

# The quiz builder's fixtures, shared by its page tests and its service tests.
pytest_plugins = ["tests.quiz_builder_fixtures"]


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_article: reads the shared article")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped content pack loaded (once per worker)."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0, stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _versions_read_afresh():
    """Each test reads question versions from its own database: ids come back after a
    rolled-back test, and what the process keeps of them (selectors/version_store, the
    answers it saw saved in services/first_answer) must not outlive the test that read it."""
    from quizzes.selectors import version_store
    from quizzes.services import first_answer

    version_store.forget_all()
    first_answer.forget_saved()
    yield
    version_store.forget_all()
    first_answer.forget_saved()


@pytest.fixture(scope="session")
def article_path() -> Path:
    """The shared article; tests skip without it unless KZSTUDY_REQUIRE_ARTICLE=1 (CI)."""
    path = Path(settings.KZSTUDY_ARTICLE_DIR) / ARTICLE_FILE
    if not path.is_file():
        reason = f"the shared article is not at {path}"
        if os.environ.get("KZSTUDY_REQUIRE_ARTICLE") == "1":
            pytest.fail(f"{reason}, and KZSTUDY_REQUIRE_ARTICLE=1")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def article_source(article_path: Path) -> str:
    """The shared article's Markdown."""
    return article_path.read_text(encoding="utf-8")


@pytest.fixture
def imported_article(db, article_source):
    """The shared article's full text imported into the test database."""
    from quizzes.services.articles import article_import

    return article_import(source=article_source).article


@pytest.fixture
def final_exam_unprotected(db):
    """The shipped Final exam set to protect nothing, for tests of practice feedback and
    flashcards on any shipped question (it keeps its 36 exam-tagged questions to itself; its
    protection has tests of its own)."""
    from quizzes.models import ExamProtection, Quiz

    Quiz.objects.filter(key="final-exam").update(exam_protection=ExamProtection.OPEN)
