"""Queries per LTI request stay constant: a launch costs the same for a new and a returning
user, and a graded submission adds a fixed number of queries for its platform score."""

from __future__ import annotations

from quizzes.models import Course, LtiIdentity, LtiScore, Quiz
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from tests.factories import key_answer

from .conftest import launch, start_login


def test_a_returning_launch_takes_a_bounded_number_of_queries(
    client, platform, django_assert_max_num_queries
):
    launch(client, platform, target="home")  # creates the user, course and link
    login = start_login(client, platform)
    token = platform.id_token(platform.claims(nonce=login.nonce, target="home"))

    # Three of these are login throttling's bookkeeping on a sign-in (django-axes): drop
    # expired failures, log the access, clear this user's failures; one records the placement
    # launched (its grade goes there).
    with django_assert_max_num_queries(27):
        response = client.post("/lti/launch/", {"id_token": token, "state": login.state})

    assert response.status_code == 302


def test_submitting_with_a_graded_link_adds_a_constant_number_of_queries(
    client, platform, django_assert_max_num_queries
):
    exam = Quiz.objects.get(key="final-exam")
    launch(client, platform, target=f"quiz:{exam.pk}")
    user = LtiIdentity.objects.get().user
    course = Course.objects.get(lti_issuer=platform.issuer)
    attempt = attempt_start(quiz=exam, user=user, course=course)
    answers = {
        r.question_id: key_answer(r.question_version)
        for r in attempt.responses.select_related("question_version")
    }
    answers_save(attempt_id=attempt.pk, user=user, answers=answers)

    # Five of these are the score: links, identity, last score, supersede, insert; two the
    # learner's quiz grade (the stored one, locked, then the upsert: no earlier attempt is
    # read); two the learner's study cards, made in the same transaction.
    with django_assert_max_num_queries(15):
        attempt_submit(attempt_id=attempt.pk, user=user)

    assert LtiScore.objects.count() == 1


def test_queueing_a_regrades_grades_reads_quizzes_and_links_once(db, django_assert_num_queries):
    from decimal import Decimal

    from quizzes.lti.outbox import enqueue_for_attempts
    from tests.factories import UserFactory, course_with_learner, make_attempt

    exam = Quiz.objects.get(key="final-exam")
    course, _ = course_with_learner()
    attempts = [make_attempt(exam, UserFactory(), course) for _ in range(20)]

    # Twenty attempts in a course without LTI links: the graded quizzes, then the links.
    with django_assert_num_queries(2):
        assert enqueue_for_attempts([(a, Decimal(50)) for a in attempts], reason="regrade") == 0
