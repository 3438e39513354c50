"""Migration 0010: question cards made before cards held a version get the version reviewed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("quizzes", "0009_lti_trust")
AFTER = ("quizzes", "0010_exam_protection_and_card_versions")


@pytest.fixture
def migrator(transactional_db):
    """Run the test database back to before 0010; forward to the newest migration afterwards.

    A transactional test empties every table when it ends: the shipped content pack, which
    the rest of the suite expects, is loaded again.
    """
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    yield executor
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_content", verbosity=0, stdout=io.StringIO())


def test_existing_question_cards_take_the_version_their_learner_last_reviewed(migrator):
    apps = migrator.loader.project_state([BEFORE]).apps
    models = {
        name: apps.get_model("quizzes", name)
        for name in (
            "Article",
            "Section",
            "Question",
            "QuestionVersion",
            "Course",
            "Quiz",
            "Attempt",
            "Response",
            "ReviewCard",
        )
    }
    user = apps.get_model("auth", "User").objects.create(username="learner")
    article = models["Article"].objects.create(slug="a", title="A", author="B")
    section = models["Section"].objects.create(article=article, position=1, slug="s", heading="S")
    course = models["Course"].objects.create(title="C", slug="c")
    quiz = models["Quiz"].objects.create(title="Q")
    now = timezone.now()

    def question(key: str, versions: int):
        made = models["Question"].objects.create(key=key, qtype="true_false", section=section)
        for number in range(1, versions + 1):
            version = models["QuestionVersion"].objects.create(
                question=made,
                number=number,
                qtype="true_false",
                stem=f"{key} v{number}",
                payload={"answer": True},
                content_hash=f"{key}{number}",
            )
        made.current_version = version
        made.save()
        return made

    reviewed_twice, never_reviewed = question("reviewed", 3), question("unreviewed", 2)
    versions = {
        v.number: v for v in models["QuestionVersion"].objects.filter(question=reviewed_twice)
    }
    for number, version_number, state in ((1, 1, "submitted"), (2, 2, "submitted"), (3, 3, None)):
        attempt = models["Attempt"].objects.create(
            quiz=quiz,
            user=user,
            course=course,
            number=number,
            state=state or "in_progress",
            started_at=now + timedelta(hours=number),
            submitted_at=now + timedelta(hours=number, minutes=5) if state else None,
            score=0 if state else None,
            max_score=1,
        )
        models["Response"].objects.create(
            attempt=attempt,
            position=1,
            question=reviewed_twice,
            question_version=versions[version_number],
            max_mark=1,
        )
    for subject in (reviewed_twice, never_reviewed):
        models["ReviewCard"].objects.create(user=user, kind="question", question=subject, due=now)

    migrator.loader.build_graph()
    migrator.migrate([AFTER])

    cards = apps_after(migrator).get_model("quizzes", "ReviewCard").objects
    held = dict(cards.values_list("question__key", "question_version__number"))
    # The newest submitted attempt showed version 2 (version 3 is in an attempt still open);
    # a card without a submitted response takes the question's current version.
    assert held == {"reviewed": 2, "unreviewed": 2}


def apps_after(executor: MigrationExecutor):
    return executor.loader.project_state([AFTER]).apps
