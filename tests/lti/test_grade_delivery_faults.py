"""Grades reach the LMS through its faults: a revoked access token, an outage of hours or days,
an equal grade queued while another was on its way; and what fails for good is shown to the
operators (`/readyz`, the admin) and sent again in bulk. Against the test platform over HTTP."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from quizzes import clock, outbound
from quizzes.lti import claims
from quizzes.lti.outbox import DeliveryReport, deliver_due
from quizzes.lti.services_client import _token_cache_key, access_token, forget_token
from quizzes.models import LtiResourceLink, LtiScore, Quiz, ScoreStatus

from .test_grades import finish, launched_learner


@pytest.fixture
def exam() -> Quiz:
    quiz = Quiz.objects.get(key="final-exam")
    quiz.max_attempts = None
    quiz.save()
    return quiz


@pytest.fixture
def now(monkeypatch):
    """The application's clock, frozen; `now(delta)` moves it on and returns it."""
    moment = {"now": timezone.now()}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])

    def move(delta: timedelta = timedelta(0)):
        moment["now"] += delta
        return moment["now"]

    return move


def while_the_first_score_is_on_its_way(monkeypatch, action) -> None:
    """Run `action` while the outbox's first score request is in flight (the score claimed and
    past its last look at the outbox), as a request of a learner or another worker would; the
    request itself then goes to the platform as usual."""
    real = outbound.request
    pending = [action]

    def request(method, url, **kwargs):
        if method == "POST" and url.endswith("/scores") and pending:
            pending.pop()()
        return real(method, url, **kwargs)

    monkeypatch.setattr(outbound, "request", request)


def bearer(request) -> str:
    return request.headers["Authorization"].removeprefix("Bearer ")


def readyz_outbox(client) -> tuple[int, str, dict]:
    response = client.get("/readyz")
    body = response.json()
    return response.status_code, body["status"], body["checks"]["outbox"]


# -- a refused access token ------------------------------------------------------------------


def test_a_revoked_cached_token_is_replaced_and_the_score_delivered(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course, right=3)
    deliver_due()
    [first_token] = platform.tokens_issued
    platform.tokens_issued.clear()  # the platform revokes it before it expires

    finish(exam, user, course)
    report = deliver_due()

    assert report.sent == 1
    score = LtiScore.objects.order_by("-pk").first()
    assert (score.status, score.tries, score.last_error) == (ScoreStatus.SENT, 1, "")
    [new_token] = platform.tokens_issued
    refused, accepted = platform.requests["scores"][-2:]
    assert bearer(refused) == first_token["token"] and bearer(accepted) == new_token["token"]
    assert [s["scoreGiven"] for s in platform.scores[lineitem]][-1] == 100.0
    # The new token is the one cached for the platform's next grades.
    assert access_token(platform.registered, [claims.SCOPE_SCORE]) == new_token["token"]
    assert len(platform.tokens_issued) == 1


def test_a_revoked_token_is_replaced_when_finding_the_line_item_too(client, platform, exam):
    user, course, _ = launched_learner(client, platform, exam, lineitem=False, sub="a")
    finish(exam, user, course)
    deliver_due()
    platform.tokens_issued.clear()
    other, _, _ = launched_learner(client, platform, exam, lineitem=False, sub="b")
    LtiResourceLink.objects.update(lineitem_url="")  # looked up again, with the old token

    finish(exam, other, course)
    assert deliver_due().sent == 1
    # Both cached tokens (line items', scores') were refused once and replaced once.
    scopes = sorted(t["scope"] for t in platform.tokens_issued)
    assert scopes == sorted([claims.SCOPE_LINEITEM, claims.SCOPE_SCORE])


def test_a_401_to_a_new_token_too_is_retried_later_not_failed(client, platform, exam, now):
    user, course, lineitem = launched_learner(client, platform, exam)
    platform.fail_next("scores", 401, 401)
    finish(exam, user, course)

    report = deliver_due()

    score = LtiScore.objects.get()
    assert report.retrying == 1 and score.status == ScoreStatus.PENDING
    assert "HTTP 401" in score.last_error
    assert len(platform.tokens_issued) == 2  # the first refused, then a new one, refused too
    now(timedelta(seconds=31))
    assert deliver_due().sent == 1
    assert len(platform.tokens_issued) == 3  # the refused token was not kept in the cache
    assert len(platform.scores[lineitem]) == 1


def test_a_403_gets_one_more_try_with_a_new_token_then_fails(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    platform.fail_next("scores", 403)
    finish(exam, user, course, right=3)
    assert deliver_due().sent == 1
    assert len(platform.tokens_issued) == 2

    platform.fail_next("scores", 403, 403)  # refused with a new token too: a real refusal
    finish(exam, user, course)
    report = deliver_due()
    assert report.failed == 1
    assert LtiScore.objects.order_by("-pk").first().status == ScoreStatus.FAILED
    assert len(platform.scores[lineitem]) == 1


# -- a long outage ---------------------------------------------------------------------------


def test_an_lms_down_for_twelve_hours_gets_the_grade_when_it_returns(client, platform, exam, now):
    """With the default settings (30 s doubling to an hour), far past the three hours of ten
    tries that used to be the end of it."""
    user, course, lineitem = launched_learner(client, platform, exam)
    start = now()
    platform.fail_next("scores", *[503] * 1000)
    finish(exam, user, course)

    for _ in range(100):
        deliver_due()
        score = LtiScore.objects.get()
        if score.status != ScoreStatus.PENDING:
            break
        now(score.next_try_at - now())
        if now() - start >= timedelta(hours=12):
            platform.failures["scores"].clear()  # the LMS is back

    assert score.status == ScoreStatus.SENT
    assert score.tries > 10 and score.sent_at - score.created_at >= timedelta(hours=12)
    [sent] = platform.scores[lineitem]
    assert sent["scoreGiven"] == 100.0


def test_a_grade_fails_only_after_seven_days_then_shows_and_is_sent_again(
    client, platform, exam, now
):
    user, course, lineitem = launched_learner(client, platform, exam)
    platform.fail_next("scores", *[503] * 1000)
    finish(exam, user, course)
    score = LtiScore.objects.get()
    seven_days = score.created_at + timedelta(days=7)

    for _ in range(400):
        deliver_due()
        score.refresh_from_db()
        if score.status != ScoreStatus.PENDING:
            break
        assert now() < seven_days
        now(score.next_try_at - now())

    assert score.status == ScoreStatus.FAILED and now() >= seven_days
    assert score.tries > 150  # an hour apart, for a week
    # The operators' signal: /readyz says degraded (and stays 200: the app still serves).
    status_code, status, outbox = readyz_outbox(client)
    assert (status_code, status, outbox["failed"], outbox["ok"]) == (200, "degraded", 1, False)

    platform.failures["scores"].clear()  # the LMS is back
    out = io.StringIO()
    call_command("lti_resend_failed", "--platform", platform.issuer, stdout=out)
    assert out.getvalue().startswith("1 grades queued again")
    assert deliver_due().sent == 1
    assert [s["scoreGiven"] for s in platform.scores[lineitem]] == [100.0]
    status_code, status, outbox = readyz_outbox(client)
    assert (status, outbox["failed"]) == ("ok", 0)


# -- an equal grade queued while another is on its way ---------------------------------------


def test_an_equal_grade_queued_while_one_is_in_flight_survives_its_failure(
    client, platform, exam, monkeypatch
):
    """The reviewer's case: the first grade is on its way when an equal one is earned; the
    first then fails for good. The second was queued all the same, and arrives."""
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course, right=9)
    first = LtiScore.objects.get()
    while_the_first_score_is_on_its_way(monkeypatch, lambda: finish(exam, user, course, right=9))
    platform.fail_next("scores", 400)

    deliver_due()
    assert LtiScore.objects.count() == 2
    deliver_due()

    first.refresh_from_db()
    assert first.status == ScoreStatus.SUPERSEDED and "HTTP 400" in first.last_error
    second = LtiScore.objects.exclude(pk=first.pk).get()
    assert second.status == ScoreStatus.SENT and second.score_given == first.score_given
    [sent] = platform.scores[lineitem]
    assert sent["scoreGiven"] == float(first.score_given)


def test_an_equal_grade_queued_while_one_is_in_flight_is_not_sent_twice(
    client, platform, exam, monkeypatch, now
):
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course, right=9)
    other_worker: list[DeliveryReport] = []

    def an_equal_grade_and_another_worker():
        finish(exam, user, course, right=9)
        other_worker.append(deliver_due())  # it waits for the one on its way

    while_the_first_score_is_on_its_way(monkeypatch, an_equal_grade_and_another_worker)

    assert deliver_due().sent == 1
    assert other_worker[0].sent == 0
    queued = LtiScore.objects.order_by("-pk").first()
    assert queued.status == ScoreStatus.PENDING
    now(timedelta(minutes=3))  # the first one's lease is over
    deliver_due()

    queued.refresh_from_db()
    assert queued.status == ScoreStatus.SENT and queued.tries == 0  # nothing was posted
    assert len(platform.requests["scores"]) == len(platform.scores[lineitem]) == 1


def test_an_equal_grade_after_a_failed_one_is_queued_and_sent(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    platform.fail_next("scores", 400)
    finish(exam, user, course, right=9)
    deliver_due()
    failed = LtiScore.objects.get()
    assert failed.status == ScoreStatus.FAILED

    finish(exam, user, course, right=9)
    assert deliver_due().sent == 1
    failed.refresh_from_db()
    assert failed.status == ScoreStatus.SUPERSEDED  # replaced by the grade that arrived
    assert [s["scoreGiven"] for s in platform.scores[lineitem]] == [float(failed.score_given)]


def test_an_unchanged_grade_is_still_not_sent_again_once_delivered(client, platform, exam):
    user, course, lineitem = launched_learner(client, platform, exam)
    finish(exam, user, course, right=9)
    deliver_due()
    finish(exam, user, course, right=9)
    finish(exam, user, course, right=0)
    assert LtiScore.objects.count() == 1
    assert len(platform.scores[lineitem]) == 1


# -- failed grades: shown, and sent again in bulk --------------------------------------------


def test_staff_see_failed_grades_and_send_all_of_a_platform_again(
    client, platform, exam, admin_client
):
    learners = [launched_learner(client, platform, exam, sub=f"s{n}") for n in range(3)]
    platform.fail_next("scores", *[400] * 4)
    for user, course, _ in learners:
        finish(exam, user, course, right=0)
    deliver_due()
    first, _, _ = learners[0]
    finish(exam, first, learners[0][1])  # a better grade for s0, refused too
    deliver_due()
    assert LtiScore.objects.filter(status=ScoreStatus.FAILED).count() == 4

    page = admin_client.get("/admin/quizzes/ltiscore/").content.decode()
    assert "4 grades failed for good" in page
    listing = "/admin/quizzes/ltiscore/?status__exact=failed"
    listing += f"&link__platform__id__exact={platform.registered.pk}"
    one = LtiScore.objects.filter(status=ScoreStatus.FAILED).first()
    admin_client.post(
        listing,
        {"action": "retry_now", "select_across": "1", "index": "0", "_selected_action": [one.pk]},
    )
    report = deliver_due()

    # One grade per learner: s0's newest (100), not the 0 it replaced.
    assert report.sent == 3
    sent = {s["userId"]: s["scoreGiven"] for items in platform.scores.values() for s in items}
    assert sent == {"s0": 100.0, "s1": 0.0, "s2": 0.0}
    assert not LtiScore.objects.filter(status=ScoreStatus.FAILED).exists()
    assert "failed for good" not in admin_client.get("/admin/quizzes/ltiscore/").content.decode()


def test_resend_failed_by_course_leaves_other_courses_alone(client, platform, exam):
    user, course, _ = launched_learner(client, platform, exam)
    platform.fail_next("scores", 400)
    finish(exam, user, course)
    deliver_due()

    out = io.StringIO()
    call_command("lti_resend_failed", "--course", "no-such-course", stdout=out)
    assert out.getvalue().startswith("0 grades queued again")
    call_command("lti_resend_failed", "--course", course.slug, "--dry-run", stdout=out)
    assert "1 failed grades." in out.getvalue()
    assert LtiScore.objects.get().status == ScoreStatus.FAILED
    call_command("lti_resend_failed", "--course", course.slug, stdout=out)
    assert deliver_due().sent == 1


def test_the_token_cache_is_left_alone_when_another_worker_refreshed_it(platform):
    scopes = [claims.SCOPE_SCORE]
    token = access_token(platform.registered, scopes)
    forget_token(platform.registered, scopes, "an-older-token")
    assert cache.get(_token_cache_key(platform.registered, scopes)) == token
    forget_token(platform.registered, scopes, token)
    assert cache.get(_token_cache_key(platform.registered, scopes)) is None
