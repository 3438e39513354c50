"""A database outage anywhere in a request answers 503 with Retry-After: pages a short page
that renders without the database, the API its error envelope; one warning is logged, no
traceback; and the next request after the outage is served normally."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler, DatabaseError, InterfaceError, OperationalError
from django.test import Client

from kzstudy.outage import is_database_outage

from .faults import locked_default_database

pytestmark = pytest.mark.urls("tests.reliability.fault_urls")


@pytest.fixture
def client() -> Client:
    # The test client re-raises a view's exception by default; a browser gets the response.
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(tmp_path, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock(), locked_default_database(tmp_path):
        yield


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_a_page_answers_503_with_a_try_again_page_while_the_database_is_down(client, database_down):
    client.cookies["sessionid"] = "a-session-the-database-must-be-asked-about"
    response = client.get("/")
    assert_unavailable(response)
    page = response.content.decode()
    assert "Try again in a moment" in page
    assert 'class="navbar' in page and "kzstudy/favicon.svg" in page  # the site's look
    assert "Traceback" not in page


def test_the_try_again_page_after_a_page_load_offers_to_load_it_again(client, database_down):
    response = client.get("/remember/")
    assert_unavailable(response)
    page = response.content.decode()
    assert '<a class="btn btn-primary" href="">Try again</a>' in page
    assert "Go back to the form" not in page


@pytest.mark.parametrize(
    ("referer", "back_url"),
    [
        (
            "http://testserver/courses/demo/questions/new/",
            "http://testserver/courses/demo/questions/new/",
        ),
        ("https://elsewhere.example/phish/", "/"),
        (None, "/"),
    ],
    ids=["this site's form", "another site", "no referer"],
)
def test_the_try_again_page_after_a_form_was_sent_goes_back_to_that_form_only_on_this_site(
    client, database_down, referer, back_url
):
    headers = {"Referer": referer} if referer else {}
    response = client.post("/remember/", {"stem": "typed"}, headers=headers)
    assert_unavailable(response)
    page = response.content.decode()
    assert f'href="{back_url}" data-go-back>Go back to the form</a>' in page
    assert "kzstudy/go_back.js" in page
    assert "may not have been saved" in page
    assert ">Try again</a>" not in page


def test_the_api_answers_503_in_its_error_envelope_while_the_database_is_down(
    client, database_down
):
    response = client.get("/api/v1/me/", headers={"Authorization": "Bearer not-checkable-now"})
    assert_unavailable(response)
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert set(error) == {"code", "message", "field", "details"}


def test_a_page_request_asking_for_json_gets_the_envelope(client, database_down):
    client.cookies["sessionid"] = "a-session-the-database-must-be-asked-about"
    response = client.get("/", headers={"Accept": "application/json"})
    assert_unavailable(response)
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_outage_in_a_middleware_answers_503_too(client, settings, database_down, debug):
    """The session is first saved by SessionMiddleware on the way out: Django turns a failure
    there into handler500 (DEBUG off) or its debug page (DEBUG on); both become a 503."""
    settings.DEBUG = debug
    settings.SESSION_ENGINE = "kzstudy.user_sessions.backends.db"
    response = client.get("/remember/")
    assert_unavailable(response)
    assert b"Try again in a moment" in response.content


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_outage_is_logged_as_one_warning_without_a_traceback(
    client, settings, database_down, caplog, debug
):
    settings.DEBUG = debug
    settings.SESSION_ENGINE = "kzstudy.user_sessions.backends.db"
    caplog.set_level(logging.INFO)
    client.get("/remember/")
    client.get("/api/v1/me/", headers={"Authorization": "Bearer not-checkable-now"})
    outage_lines = [r for r in caplog.records if r.name == "kzstudy.outage"]
    assert [r.levelname for r in outage_lines] == ["WARNING", "WARNING"]
    assert "database is locked" in outage_lines[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.django_db
def test_the_site_serves_again_as_soon_as_the_database_is_back(client, tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), locked_default_database(tmp_path):
        assert client.get("/api/v1/quizzes/").status_code in (401, 403, 503)
        assert client.get("/healthz").status_code == 200  # liveness never asks the database
    assert client.get("/").status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_bug_in_a_query_is_still_a_500_not_an_outage():
    """Only faults become 503; a broken query must stay visible as an error."""
    with pytest.raises(DatabaseError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    assert not is_database_outage(raised.value)


# -- what counts as an outage ---------------------------------------------------------------


def _sqlite_error(tmp_path, sql: str, *, lock: bool = False) -> OperationalError:
    """The error Django raises for `sql` on a real SQLite file (locked by another writer)."""
    path = tmp_path / "probe.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER)")
    if lock:
        holder.execute("BEGIN EXCLUSIVE")
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"timeout": 0.1},
            }
        }
    )
    probe = handler["default"]
    try:
        with pytest.raises(OperationalError) as raised, probe.cursor() as cursor:
            cursor.execute(sql)
        return raised.value
    finally:
        probe.close()
        holder.close()


def test_sqlite_locked_past_the_timeout_is_an_outage(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        error = _sqlite_error(tmp_path, "INSERT INTO t VALUES (1)", lock=True)
    assert "database is locked" in str(error)
    assert is_database_outage(error)


def test_sqlite_errors_that_are_bugs_are_not_outages(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        missing = _sqlite_error(tmp_path, "SELECT * FROM missing")
        syntax = _sqlite_error(tmp_path, "SELEKT 1")
    assert not is_database_outage(missing)
    assert not is_database_outage(syntax)


def test_postgresql_refusing_connections_is_an_outage(django_db_blocker):
    """A PostgreSQL server that is not there (nothing listens on port 9)."""
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "kzstudy",
                "HOST": "127.0.0.1",
                "PORT": "9",
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    probe = handler["default"]
    with django_db_blocker.unblock(), pytest.raises(OperationalError) as raised:
        probe.ensure_connection()
    assert is_database_outage(raised.value)


def test_an_error_raised_while_handling_an_outage_is_still_an_outage():
    try:
        try:
            raise InterfaceError("connection already closed")
        except InterfaceError:
            raise RuntimeError("while rolling back") from None
    except RuntimeError as error:
        assert not is_database_outage(error)  # `from None` hides the cause on purpose
    try:
        try:
            raise InterfaceError("connection already closed")
        except InterfaceError:
            raise RuntimeError("while rolling back")  # noqa: B904
    except RuntimeError as error:
        assert is_database_outage(error)
    assert not is_database_outage(ValueError("not a database at all"))


@pytest.mark.django_db(transaction=True)
def test_work_after_a_commit_put_off_by_an_outage_is_one_warning_and_a_bug_keeps_its_traceback(
    caplog,
):
    """`after_commit`: the committed data stands either way; an outage then is one warning (a
    sweep does the work later), a bug is still logged as an error with its traceback."""
    from django.db import transaction

    from kzstudy.outage import after_commit, pending_after_commit

    def restarting() -> None:
        raise OperationalError("terminating connection due to administrator command")

    def buggy() -> None:
        raise KeyError("a bug")

    caplog.set_level(logging.WARNING)
    with transaction.atomic():
        after_commit(restarting, what="the flashcards of attempt 7")
        after_commit(buggy, what="a grade sweep's enqueue")
        assert pending_after_commit(restarting) and not pending_after_commit(lambda: None)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split(" (")[0] for r in warnings] == [
        "the flashcards of attempt 7: put off by an outage, a sweep does it later"
    ]
    assert not warnings[0].exc_info
    assert len(errors) == 1 and errors[0].exc_info and "a bug" in str(errors[0].exc_info[1])
