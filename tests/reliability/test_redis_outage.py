"""Redis (REDIS_URL: the cache, and the sessions read through it) down, restarting or cut off:
signed-in requests are served from the database alone, and what does need the cache answers
503 with Retry-After, the error envelope for the API and the autosave, never a 500."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from redis import exceptions as redis_errors

from kzstudy.errors import server_error
from kzstudy.outage import OutageLogFilter, is_cache_outage, is_database_outage, is_outage
from kzstudy.user_sessions.backends.cached_db import SessionStore, evict_stale_cached_sessions
from kzstudy.user_sessions.models import StaleCachedSession, UserSession
from quizzes.models import Attempt
from tests.factories import course_with_learner, fixed_quiz, key_answer, make_question
from tests.kzstudy.test_cache import free_port, start_redis, stop_redis
from tests.views.helpers import form_fields

pytestmark = pytest.mark.django_db

PROJECT_SESSIONS = "kzstudy.user_sessions.backends.cached_db"
PASSWORD = "a-long-enough-password-1"


@dataclass
class Redis:
    port: int
    directory: object
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = start_redis(self.port, self.directory)

    def stop(self) -> None:
        if self.process is not None:
            stop_redis(self.process)
            self.process = None


@pytest.fixture
def redis(settings, tmp_path) -> Iterator[Redis]:
    """A real redis-server as the cache and the session cache (sessions: the project's store)."""
    server = Redis(free_port(), tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        }
    }
    settings.SESSION_ENGINE = PROJECT_SESSIONS
    yield server
    server.stop()


@pytest.fixture
def client() -> Client:
    # The test client re-raises a view's exception by default; a browser gets the response.
    return Client(raise_request_exception=False)


@pytest.fixture
def learner_in_practice(client, redis):
    """A learner signed in while Redis is up (the session cached there too), in a practice
    attempt; then Redis stops."""
    course, learner = course_with_learner()
    client.force_login(learner)
    quiz = fixed_quiz([make_question()], article=course.article, mode="practice")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert cached_session(client) is not None
    redis.stop()
    return learner, attempt


def cached_session(client) -> dict | None:
    return cache.get(SessionStore.cache_key_prefix + client.cookies["sessionid"].value)


def autosave(client, attempt):
    response = attempt.responses.select_related("question_version").get()
    version = response.question_version
    return client.post(
        reverse("quizzes:attempt_save", args=[attempt.pk]),
        form_fields(version, key_answer(version)),
        HTTP_ACCEPT="application/json",
    )


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def assert_enveloped(response) -> None:
    assert_unavailable(response)
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert set(error) == {"code", "message", "field", "details"}


def test_a_redis_outage_costs_signed_in_requests_nothing(client, learner_in_practice):
    """Every session is a database row too: pages, the API and the autosave are served."""
    learner, attempt = learner_in_practice
    page = client.get("/", follow=True)  # the learner's course page
    assert page.status_code == 200
    shown = learner.get_full_name() or learner.username
    assert f"Signed in as <strong>{shown}</strong>" in page.content.decode()
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == learner.username
    saved = autosave(client, attempt)
    assert saved.status_code == 200 and len(saved.json()["saved"]) == 1


def test_a_redis_outage_answers_503_with_retry_after_not_500(client, settings, redis):
    """The outage as it was (Django's own cached_db store: its read writes to the cache
    unguarded): a signed-in page, the API and the autosave answer 503, the API and the
    autosave in the error envelope."""
    settings.SESSION_ENGINE = "tests.reliability.stock_sessions"
    course, learner = course_with_learner()
    client.force_login(learner)
    quiz = fixed_quiz([make_question()], article=course.article, mode="practice")
    client.post(reverse("quizzes:quiz_start", args=[course.slug, quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    redis.stop()

    page = client.get("/")
    assert_unavailable(page)
    assert b"Try again in a moment" in page.content and b"Traceback" not in page.content
    assert_enveloped(client.get("/api/v1/me/"))
    assert_enveloped(autosave(client, attempt))
    assert attempt.responses.get().answer is None  # refused, so the page keeps it and retries


def test_an_api_write_throttled_through_the_cache_answers_503_while_redis_is_down(
    client, learner_in_practice
):
    response = client.put(
        "/api/v1/flashcards/settings/", {"new_cards_per_day": 5}, content_type="application/json"
    )
    assert_enveloped(response)


def test_signing_in_and_out_works_while_redis_is_down(client, redis):
    """Login throttling (django-axes) counts in the database; a new session key is checked
    against the database; signing out deletes the row."""
    _, learner = course_with_learner()
    learner.set_password(PASSWORD)
    learner.save()
    redis.stop()
    wrong = client.post("/accounts/login/", {"username": learner.username, "password": "nope"})
    assert wrong.status_code == 200  # the form again, the failure counted
    signed_in = client.post(
        "/accounts/login/", {"username": learner.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    key = client.cookies["sessionid"].value
    assert UserSession.objects.get(session_key=key).user_id == learner.pk
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not UserSession.objects.filter(session_key=key).exists()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_sessions_are_cached_again_once_redis_is_back(client, learner_in_practice, redis):
    assert client.get("/api/v1/me/").status_code == 200
    redis.start()
    assert client.get("/api/v1/me/").status_code == 200
    assert cached_session(client) is not None


def test_a_redis_outage_is_logged_as_warnings_without_a_traceback(
    client, learner_in_practice, caplog
):
    """One line for each session read from the database alone, one for each 503."""
    caplog.set_level(logging.INFO)
    client.get("/api/v1/me/")
    client.put(
        "/api/v1/flashcards/settings/", {"new_cards_per_day": 5}, content_type="application/json"
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "kzstudy.outage"]
    assert {r.levelname for r in caplog.records if r.name == "kzstudy.outage"} == {"WARNING"}
    read = "Cache unavailable, session read in the database only (ConnectionError: "
    assert [line.startswith(read) for line in lines] == [True, True, False]
    assert lines[2].startswith("Cache unavailable, answered PUT /api/v1/flashcards/settings/")
    assert "Connection refused" in lines[2]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]


# -- what counts as a cache outage ----------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        redis_errors.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        redis_errors.TimeoutError("Timeout reading from socket"),
        redis_errors.BusyLoadingError("Redis is loading the dataset in memory"),
        redis_errors.ReadOnlyError("You can't write against a read only replica."),
        redis_errors.OutOfMemoryError("command not allowed when used memory > 'maxmemory'."),
    ],
    ids=lambda error: type(error).__name__,
)
def test_redis_down_restarting_read_only_or_full_is_an_outage(error):
    assert is_cache_outage(error) and is_outage(error)
    assert not is_database_outage(error)


def test_a_redis_error_that_is_a_bug_stays_a_500():
    wrong_type = redis_errors.ResponseError("WRONGTYPE Operation against a key holding the wrong")
    assert not is_outage(wrong_type)
    assert not is_outage(redis_errors.DataError("Invalid input of type: 'dict'"))
    assert not is_outage(ConnectionError("the built-in one, not redis'"))


def test_handler500_and_the_debug_log_filter_treat_a_redis_outage_as_one(caplog):
    """A cache outage raised in a middleware reaches handler500 (DEBUG off) or Django's error
    log (DEBUG on): both see it as an outage, as a database one."""
    request = RequestFactory().get("/api/v1/me/")
    try:
        raise redis_errors.ConnectionError("Connection refused.")
    except redis_errors.ConnectionError as error:
        response = server_error(request)
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "", (), None)
        record.exc_info = (type(error), error, error.__traceback__)
    assert_unavailable(response)
    assert json.loads(response.content)["error"]["code"] == "unavailable"
    assert not OutageLogFilter().filter(record)


def test_the_suite_runs_without_redis_url():
    assert django_settings.SESSION_ENGINE == "kzstudy.user_sessions.backends.db"


def test_a_redis_outage_leaves_the_server_ready_and_the_worker_sending(client, redis):
    """/readyz takes a server out of the load balancer when it answers 503: with Redis down the
    server still serves (above), so it is degraded, not unready; and the grade sweep's
    heartbeat, kept in the cache, does not stop the sweep."""
    from kzstudy.health import TASK_WORKER, record_heartbeat

    redis.stop()
    record_heartbeat(TASK_WORKER)  # skipped with a warning, not raised into the worker's task
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == {
        "ok": False,
        "error": "cache unavailable: ConnectionError",
    }


def out_of_reach() -> dict:
    """The cache settings of a server cut off from Redis: nothing answers at its address, while
    the real Redis runs on with its data."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }


def signed_in_and_cached(client) -> str:
    """A learner signed in with their session cached in Redis; the session key."""
    _, learner = course_with_learner()
    client.force_login(learner)
    assert client.get("/api/v1/me/").status_code == 200
    assert cached_session(client) is not None
    return client.cookies["sessionid"].value


def test_a_session_signed_out_while_redis_was_cut_off_is_evicted_once_it_answers(
    client, settings, redis
):
    """Before, the copy Redis kept of a session signed out during a network cut signed the
    learner in again on every server reading Redis, until it expired or Redis was flushed."""
    key = signed_in_and_cached(client)
    reachable = settings.CACHES
    settings.CACHES = out_of_reach()
    assert client.post("/accounts/logout/").status_code == 302
    assert not UserSession.objects.filter(session_key=key).exists()
    assert StaleCachedSession.objects.filter(session_key=key).exists()

    settings.CACHES = reachable  # the cut heals: Redis still holds the signed-out session
    client.cookies["sessionid"] = key
    assert cache.get(SessionStore.cache_key_prefix + key) is not None
    assert evict_stale_cached_sessions() == 1

    assert cache.get(SessionStore.cache_key_prefix + key) is None
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_session_changed_while_redis_was_cut_off_is_read_afresh_once_it_answers(
    client, settings, redis
):
    key = signed_in_and_cached(client)
    reachable = settings.CACHES
    settings.CACHES = out_of_reach()
    store = SessionStore(session_key=key)
    store["changed"] = "in the database only"
    store.save()
    settings.CACHES = reachable
    assert "changed" not in cached_session(client)

    evict_stale_cached_sessions()

    assert SessionStore(session_key=key)["changed"] == "in the database only"
    assert cached_session(client)["changed"] == "in the database only"


def test_stale_session_notes_wait_while_redis_is_out_of_reach_and_go_a_minute_after(
    client, settings, redis, caplog
):
    key = signed_in_and_cached(client)
    reachable = settings.CACHES
    settings.CACHES = out_of_reach()
    client.post("/accounts/logout/")
    with caplog.at_level(logging.WARNING, logger="kzstudy.outage"):
        assert evict_stale_cached_sessions() == 0
    assert "stale sessions waiting for it: 1" in caplog.text
    assert StaleCachedSession.objects.filter(session_key=key).exists()

    settings.CACHES = reachable
    assert evict_stale_cached_sessions() == 1
    # Kept for a minute: a server that read the row just before the sign-out may cache it again.
    assert StaleCachedSession.objects.filter(session_key=key).exists()
    StaleCachedSession.objects.update(noted_at=timezone.now() - timedelta(seconds=61))
    assert evict_stale_cached_sessions() == 1
    assert not StaleCachedSession.objects.exists()
    assert evict_stale_cached_sessions() == 0
