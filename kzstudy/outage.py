"""Outages answered honestly: 503 with Retry-After, never a 500 with a traceback.

While the database is unreachable, restarting, or (SQLite) locked past its timeout, every
request gets 503 and a `Retry-After` header: pages a short "try again" page that renders
without the database, the API (and pages asked for JSON, like the autosave) the error
envelope with code "unavailable". One warning line is logged instead of a traceback. Nothing is
kept about the outage: the next request tries the database again, so the app recovers by itself.

The same holds for the shared cache (REDIS_URL): a request that needs Redis while it is down,
restarting or read-only answers 503 (a throttled API write, an LTI token). Sessions do not need
it: they fall back to the database (kzstudy/user_sessions/backends/cached_db.py).

An outage can surface in three places, and each is covered:
- in a view (or its template): `OutageMiddleware.process_exception`;
- in a middleware (the session read when `request.user` is first used, the session save on the
  way out): Django turns it into a `handler500` call, which asks `outage_response_for_current`
  (kzstudy/errors.py);
- the same with DEBUG on, where Django answers with its debug page instead of calling
  handler500: `got_request_exception` marks the request and `OutageMiddleware` replaces the
  response on the way out.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import transaction
from django.db import utils as db_utils
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from .error_envelope import json_error

logger = logging.getLogger("kzstudy.outage")

DEFAULT_RETRY_AFTER_SECONDS = 5
_MARK = "_kzstudy_outage"

# SQLite reports bugs (no such table, syntax errors) with the same exception class as faults;
# only these messages mean "the database cannot serve right now, try again".
SQLITE_OUTAGE_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database file",
    "disk i/o error",
    "readonly database",
    "database or disk is full",
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it and what it was raised while handling (once each)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        # `raise … from None` says the earlier error does not explain this one: respected.
        if exc.__cause__ is not None or exc.__suppress_context__:
            exc = exc.__cause__
        else:
            exc = exc.__context__


def _single_is_outage(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        message = str(exc).lower()
        return any(phrase in message for phrase in SQLITE_OUTAGE_MESSAGES)
    if isinstance(exc, sqlite3.Error):
        return False
    cause = exc.__cause__
    if isinstance(exc, (db_utils.OperationalError, db_utils.InterfaceError)):
        # Django wraps the driver's error; SQLite's needs its message read (above).
        if isinstance(cause, sqlite3.Error):
            return _single_is_outage(cause)
        return True
    module = type(exc).__module__ or ""
    # psycopg's own classes when raised outside Django's wrapper (e.g. while connecting):
    # connection, resource, operator-intervention and I/O failures; and a server that turned
    # read-only under us (a failover to a standby).
    if module.startswith("psycopg"):
        import psycopg

        if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
            return True
        return type(exc).__name__ == "ReadOnlySqlTransaction"
    if isinstance(exc, db_utils.InternalError):
        return type(cause).__name__ == "ReadOnlySqlTransaction"
    return False


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether this exception means the database cannot serve now (as opposed to a bug)."""
    if exc is None:
        return False
    return any(_single_is_outage(link) for link in _chain(exc))


def _single_is_cache_outage(exc: BaseException) -> bool:
    # Imported only when redis raised it: the project runs without Redis (and redis-py) too.
    if not (type(exc).__module__ or "").startswith("redis"):
        return False
    from redis import exceptions as redis_errors

    # Unreachable, refusing, timing out or still loading its data (BusyLoadingError is a
    # ConnectionError); read-only after a failover, full (maxmemory), or a cluster without
    # its primary. Other errors (WRONGTYPE, a bad argument) are bugs: they stay 500s.
    return isinstance(
        exc,
        (
            redis_errors.ConnectionError,
            redis_errors.TimeoutError,
            redis_errors.ReadOnlyError,
            redis_errors.OutOfMemoryError,
            redis_errors.ClusterDownError,
            redis_errors.TryAgainError,
        ),
    )


def is_cache_outage(exc: BaseException | None) -> bool:
    """Whether this exception means the shared cache (Redis) cannot serve now."""
    if exc is None:
        return False
    return any(_single_is_cache_outage(link) for link in _chain(exc))


def is_outage(exc: BaseException | None) -> bool:
    """A database or cache outage: answered 503 with Retry-After."""
    return is_database_outage(exc) or is_cache_outage(exc)


def after_commit(work: Callable[[], object], *, what: str, using: str | None = None) -> None:
    """Run `work` once the current transaction commits, when the committed data must stand
    whatever `work` meets. An outage then (the database restarting just after the commit) is
    one warning line: a periodic sweep does `work`'s job later. Any other error is logged with
    its traceback, as Django's robust on_commit does, and the request goes on."""

    def run() -> None:
        try:
            work()
        except Exception as error:
            if not is_outage(error):
                raise
            logger.warning("%s: put off by an outage, a sweep does it later (%s)", what, error)

    run.work = work  # type: ignore[attr-defined]  (what `pending_after_commit` compares)
    transaction.on_commit(run, using=using, robust=True)


def pending_after_commit(work: Callable[[], object], using: str | None = None) -> bool:
    """Whether the current transaction already runs `work` when it commits."""
    connection = transaction.get_connection(using)
    return any(
        getattr(callback, "work", callback) is work
        for _ids, callback, _robust in connection.run_on_commit
    )


def retry_after_seconds() -> int:
    return int(getattr(settings, "OUTAGE_RETRY_AFTER_SECONDS", DEFAULT_RETRY_AFTER_SECONDS))


def wants_json(request: HttpRequest) -> bool:
    """The API, and page requests that ask for JSON only (the attempt page's autosave)."""
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def try_again_context(request: HttpRequest) -> dict[str, object]:
    """What the "try again" page offers (templates/503.html). After a GET, loading the page
    again. After a form was sent, going back to the form, as the browser's Back button does
    (static/kzstudy/go_back.js), so what was typed in it is still there; without JavaScript
    the link goes to the form's address (the Referer, when it is this site's) or home."""
    if request.method in ("GET", "HEAD"):
        return {}
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: no host to compare the Referer with
        host = ""
    same_site = bool(host) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    )
    return {"back_url": referer if same_site else "/"}


def outage_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After, built without the database; logs one warning line."""
    seconds = retry_after_seconds()
    message = "The service is briefly unavailable. Please try again in a few seconds."
    if wants_json(request):
        details = {"retry_after": seconds}
        response: HttpResponse = json_error("unavailable", message, 503, details=details)
    else:
        # No request: the context processors would read the session and the user, which
        # live in the database that just failed.
        context = {"retry_after": seconds, "message": message, **try_again_context(request)}
        page = render_to_string("503.html", context)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    reason = f"{type(exc).__name__}: {exc}" if exc is not None else "database unavailable"
    logger.warning(
        "%s unavailable, answered %s %s with 503 (%s)",
        "Cache" if is_cache_outage(exc) and not is_database_outage(exc) else "Database",
        request.method,
        request.path,
        reason.splitlines()[0][:300],
    )
    # Django's request logger would otherwise log the 503 again, as an error with a traceback.
    response._has_been_logged = True  # type: ignore[attr-defined]
    setattr(response, _MARK, True)
    return response


def outage_response_for_current(request: HttpRequest) -> HttpResponse | None:
    """For handler500: a 503 when the exception being handled is an outage."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return outage_response(request, exc)
    return None


def _remember_outage(sender, request: HttpRequest | None = None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    if request is not None and is_outage(exc):
        setattr(request, _MARK, exc)


got_request_exception.connect(_remember_outage, dispatch_uid="kzstudy.outage.remember")


class OutageMiddleware:
    """Turns an outage anywhere in the request into a 503 (see the module's notes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is not None and not getattr(response, _MARK, False):
            return outage_response(request, exc)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_outage(exception):
            return outage_response(request, exception)
        return None


class OutageLogFilter(logging.Filter):
    """Drops Django's error record (with its traceback) for a request answered as an outage:
    the warning from `outage_response` says it in one line. Only DEBUG's path needs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not is_outage(exc)
