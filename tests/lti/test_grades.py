"""Grade passback (AGS) through the outbox: queued with the submission, sent by the worker once,
retried on 5xx/429/network errors, given up on other 4xx, and resent after a regrade."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from quizzes.lti.outbox import deliver_due
from quizzes.models import (
    Attempt,
    Course,
    LtiIdentity,
    LtiResourceLink,
    LtiScore,
    QuestionVersion,
    Quiz,
    Response,
    ScoreStatus,
)
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from quizzes.services.grading import quiz_regrade
from tests.factories import enrol, key_answer, wrong_answer

from .conftest import launch


@pytest.fixture
def exam() -> Quiz:
    return Quiz.objects.get(key="final-exam")


def launched_learner(client, platform, quiz, *, lineitem=True, sub="learner-1"):
    """A learner launched from a graded link to the quiz; returns (user, course, lineitem url)."""
    url = platform.add_line_item(f"quiz:{quiz.pk}", quiz.title) if lineitem else None
    response = launch(client, platform, sub=sub, target=f"quiz:{quiz.pk}", lineitem=url)
    assert response.status_code == 302
    user = LtiIdentity.objects.get(issuer=platform.issuer, sub=sub).user
    course = Course.objects.get(lti_issuer=platform.issuer)
    return user, course, url


def finish(quiz, user, course, *, right: int | None = None) -> Attempt:
    """Take the quiz: the first `right` answers right (all when None), the rest wrong."""
    attempt = attempt_start(quiz=quiz, user=user, course=course)
    responses = list(attempt.responses.select_related("question_version").order_by("position"))
    answers = {}
    for index, response in enumerate(responses):
        good = right is None or index < right
        version = response.question_version
        answers[response.question_id] = key_answer(version) if good else wrong_answer(version)
    answers_save(attempt_id=attempt.pk, user=user, answers=answers)
    return attempt_submit(attempt_id=attempt.pk, user=user)


def run_worker() -> str:
    out = io.StringIO()
    call_command("lti_worker", "--once", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_submitted_graded_quiz_sends_its_score_to_the_launch_line_item(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)

    attempt = finish(exam, user, course)

    queued = LtiScore.objects.get()
    assert queued.status == ScoreStatus.PENDING and queued.attempt == attempt
    assert platform.scores == {}
    assert "1 sent" in run_worker()
    [score] = platform.scores[lineitem]
    assert score["userId"] == "learner-1"
    assert score["scoreGiven"] == 100.0 and score["scoreMaximum"] == 100.0
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].startswith(str(attempt.submitted_at.date()))
    queued.refresh_from_db()
    assert queued.status == ScoreStatus.SENT and queued.sent_at is not None
    assert run_worker().startswith("Done: 0 sent")
    assert len(platform.scores[lineitem]) == 1


def test_the_best_attempt_is_the_grade_and_an_unchanged_grade_is_not_sent_again(
    client, platform, exam
):
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course, right=9)
    run_worker()
    first = platform.scores[lineitem][0]["scoreGiven"]
    assert 0 < first < 100

    finish(exam, user, course, right=0)  # a worse second attempt leaves the best as it was

    assert LtiScore.objects.count() == 1
    run_worker()
    assert [s["scoreGiven"] for s in platform.scores[lineitem]] == [first]


def test_the_access_token_is_reused_until_it_expires(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    exam.max_attempts = None
    exam.save()
    finish(exam, user, course, right=3)
    run_worker()
    finish(exam, user, course)
    run_worker()
    assert len(platform.scores[lineitem]) == 2
    assert len(platform.tokens_issued) == 1


def test_without_a_line_item_claim_the_line_item_is_found_or_created_by_resource_id(
    client, platform, exam
):
    user, course, _ = launched_learner(client, platform, exam, lineitem=False)
    finish(exam, user, course)
    run_worker()

    [item] = platform.line_items.values()
    assert item["resourceId"] == f"quiz:{exam.pk}" and item["scoreMaximum"] == 100
    assert len(platform.scores[item["id"]]) == 1
    assert LtiResourceLink.objects.get().lineitem_url == item["id"]


def test_a_platform_answering_503_gets_the_score_once_after_retries(
    client, platform, exam, settings
):
    settings.LTI_RETRY_BASE_SECONDS = 0
    user, course, lineitem = launched_learner(client, platform, exam)
    platform.fail_next("scores", 503, 503)
    finish(exam, user, course)

    first = deliver_due()
    score = LtiScore.objects.get()
    assert (first.retrying, score.status, score.tries) == (1, ScoreStatus.PENDING, 1)
    assert "503" in score.last_error
    deliver_due()
    deliver_due()
    deliver_due()

    score.refresh_from_db()
    assert score.status == ScoreStatus.SENT and score.tries == 3
    assert len(platform.requests["scores"]) == 3
    assert len(platform.scores[lineitem]) == 1


def test_retries_wait_with_backoff(client, platform, exam, settings):
    settings.LTI_RETRY_BASE_SECONDS = 30
    user, course, _ = launched_learner(client, platform, exam)
    platform.fail_next("scores", 429)
    finish(exam, user, course)

    deliver_due()
    assert deliver_due().handled == 0  # not due yet
    score = LtiScore.objects.get()
    assert score.status == ScoreStatus.PENDING
    assert 25 <= (score.next_try_at - score.created_at).total_seconds() <= 40
    assert platform.scores == {}


def test_an_unreachable_platform_is_retried(client, platform, exam, settings):
    settings.LTI_RETRY_BASE_SECONDS = 0
    user, course, _ = launched_learner(client, platform, exam)
    LtiResourceLink.objects.update(lineitem_url="http://127.0.0.1:9/lineitems/1")
    finish(exam, user, course)

    report = deliver_due()

    assert report.retrying == 1
    assert LtiScore.objects.get().status == ScoreStatus.PENDING


def test_a_refused_score_fails_with_its_error_and_can_be_queued_again(
    client, platform, exam, admin_client
):
    user, course, lineitem = launched_learner(client, platform, exam)
    platform.fail_next("scores", 400)
    finish(exam, user, course)

    report = deliver_due()

    score = LtiScore.objects.get()
    assert report.failed == 1 and score.status == ScoreStatus.FAILED
    assert "HTTP 400" in score.last_error
    page = admin_client.get("/admin/quizzes/ltiscore/?status=failed")
    assert "HTTP 400" in page.content.decode()
    admin_client.post(
        "/admin/quizzes/ltiscore/",
        {"action": "retry_now", "_selected_action": [score.pk]},
    )
    deliver_due()
    score.refresh_from_db()
    # Queued again as a new grade of the same value; the failed row keeps its error.
    assert score.status == ScoreStatus.SUPERSEDED and "HTTP 400" in score.last_error
    resent = LtiScore.objects.exclude(pk=score.pk).get()
    assert resent.status == ScoreStatus.SENT and resent.score_given == score.score_given
    assert len(platform.scores[lineitem]) == 1


def test_gives_up_once_the_grade_is_older_than_the_retry_horizon(client, platform, exam, settings):
    settings.LTI_RETRY_BASE_SECONDS = 0
    user, course, _ = launched_learner(client, platform, exam)
    platform.fail_next("scores", 500, 500, 500)
    finish(exam, user, course)
    deliver_due()
    deliver_due()
    score = LtiScore.objects.get()
    assert (score.status, score.tries) == (ScoreStatus.PENDING, 2)
    settings.LTI_RETRY_HOURS = 0  # as if seven days had passed
    deliver_due()
    score.refresh_from_db()
    assert (score.status, score.tries) == (ScoreStatus.FAILED, 3)


def _rekey_to_the_given_answer(response) -> None:
    """What an instructor fixing a wrong key does: a new version whose key is the answer given."""
    version = response.question_version
    payload = {
        **version.payload,
        "choices": [
            {**c, "correct": c["key"] == response.answer["choice"]}
            for c in version.payload["choices"]
        ],
    }
    copied = {
        f.name: getattr(version, f.name)
        for f in QuestionVersion._meta.concrete_fields
        if f.name not in {"id", "question", "number", "payload", "created_at"}
    }
    new_version = QuestionVersion.objects.create(
        question=version.question, number=version.number + 1, payload=payload, **copied
    )
    version.question.current_version = new_version
    version.question.save(update_fields=["current_version"])


def test_a_regrade_that_changes_the_grade_sends_the_new_one(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    attempt = finish(exam, user, course, right=0)
    run_worker()
    assert platform.scores[lineitem][-1]["scoreGiven"] == 0.0
    single_choice = (
        Response.objects.filter(attempt=attempt, question_version__qtype="single_choice")
        .select_related("question_version__question")
        .first()
    )
    _rekey_to_the_given_answer(single_choice)

    quiz_regrade(quiz=exam, course=course, actor=enrol(course, role="instructor"))

    regraded = LtiScore.objects.order_by("-id").first()
    assert regraded.reason == "regrade" and regraded.score_given > 0
    run_worker()
    assert platform.scores[lineitem][-1]["scoreGiven"] == float(regraded.score_given)
    assert len(platform.scores[lineitem]) == 2


def test_an_overdue_attempt_closed_by_the_scheduler_sends_its_score(client, platform, exam):
    from datetime import timedelta

    from quizzes.services.attempts import attempts_close_overdue

    user, course, lineitem = launched_learner(client, platform, exam)
    attempt = attempt_start(quiz=exam, user=user, course=course)
    past = attempt.started_at - timedelta(hours=2)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=past, deadline=past + timedelta(minutes=30)
    )

    assert attempts_close_overdue() == 1

    assert LtiScore.objects.get().attempt_id == attempt.pk
    run_worker()
    assert platform.scores[lineitem][0]["scoreGiven"] == 0.0


def test_submitting_in_a_course_without_lti_links_queues_nothing(db, exam):
    from tests.factories import course_with_learner

    course, learner = course_with_learner()
    finish(exam, learner, course)
    assert not LtiScore.objects.exists()


def test_practice_quizzes_send_no_grade_even_with_a_grade_column(client, platform):
    practice = Quiz.objects.get(key="practice-introduction")
    user, course, _ = launched_learner(client, platform, practice)
    finish(practice, user, course)
    assert not LtiScore.objects.exists()


def test_a_created_grade_column_is_named_after_the_quiz(client, platform, exam):
    user, course, _ = launched_learner(client, platform, exam, lineitem=False)
    finish(exam, user, course)
    run_worker()
    [item] = platform.line_items.values()
    assert item["label"] == exam.title


def test_the_regrade_page_of_a_platform_course_says_grades_go_back(client, platform, exam):
    from .platform import INSTRUCTOR

    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    page = client.get(f"/teach/{course.slug}/quizzes/{exam.pk}/regrade/").content.decode()
    assert "sent to your course platform's gradebook" in page


def test_a_platform_that_times_out_is_retried(client, platform, exam, settings, httpserver):
    import time

    from werkzeug import Response as WerkzeugResponse

    settings.OUTBOUND_TIMEOUT = 0.3
    settings.LTI_RETRY_BASE_SECONDS = 0

    def slow(request):
        time.sleep(1)
        return WerkzeugResponse("", status=204)

    httpserver.expect_request("/slow/lineitem/scores", method="POST").respond_with_handler(slow)
    user, course, _ = launched_learner(client, platform, exam)
    LtiResourceLink.objects.update(lineitem_url=httpserver.url_for("/slow/lineitem"))
    finish(exam, user, course)

    report = deliver_due()

    score = LtiScore.objects.get()
    assert report.retrying == 1 and score.status == ScoreStatus.PENDING
    assert "timed out" in score.last_error.lower()


def test_an_older_grade_refused_in_flight_never_lands_after_a_newer_one(
    client, platform, exam, settings
):
    """The 0% is on its way when the learner earns 100%; the LMS then refuses the 0% (503).
    Retrying the 0% could land it after the 100%, and the LMS would keep the 0%."""
    from quizzes.lti.outbox import DeliveryReport, _claim, _deliver

    settings.LTI_RETRY_BASE_SECONDS = 0
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course, right=0)
    [in_flight] = _claim(10)  # a worker took the 0%…
    finish(exam, user, course)  # …and the 100% is queued meanwhile
    platform.fail_next("scores", 503)

    _deliver(in_flight, DeliveryReport())
    deliver_due()
    deliver_due()

    in_flight.refresh_from_db()
    assert in_flight.status == ScoreStatus.SUPERSEDED
    assert [s["scoreGiven"] for s in platform.scores[lineitem]] == [100.0]
