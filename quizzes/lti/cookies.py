"""Partitioned cookies (CHIPS) for kzstudy inside an LMS frame.

Browsers that block third-party cookies (Chrome's tracking protection) still keep a cookie
marked `Partitioned` inside a frame, in a jar of its own for that LMS site. So every cookie
that is already `SameSite=None; Secure` (the session, CSRF and LTI login cookies over HTTPS)
is also marked `Partitioned`, and the login's cookie check tests such a cookie. Browsers
without CHIPS ignore the attribute; where cookies are still refused, the login offers a new
window. Django 6.1 and Python 3.12 cannot write the attribute, hence the Morsel flag below
(Python 3.14 has it).
"""

from __future__ import annotations

from collections.abc import Callable
from http import cookies

from django.conf import settings
from django.http import HttpRequest, HttpResponse

cookies.Morsel._reserved.setdefault("partitioned", "Partitioned")  # type: ignore[attr-defined]
cookies.Morsel._flags.add("partitioned")  # type: ignore[attr-defined]

# pylti1p3's cookie check sets this test cookie over https; ours must be partitioned too.
PYLTI_TEST_COOKIE = "cookie = cookie + '; SameSite=None; secure';"
PARTITIONED_TEST_COOKIE = "cookie = cookie + '; SameSite=None; secure; Partitioned';"


def enabled() -> bool:
    return bool(getattr(settings, "LTI_PARTITIONED_COOKIES", True))


def partition_test_cookie(page_html: str) -> str:
    """The cookie-check page, testing a partitioned cookie (when partitioning is on)."""
    if not enabled():
        return page_html
    if PYLTI_TEST_COOKIE not in page_html:
        raise RuntimeError("pylti1p3's cookie check changed; update quizzes/lti/cookies.py")
    return page_html.replace(PYLTI_TEST_COOKIE, PARTITIONED_TEST_COOKIE)


class PartitionedCookiesMiddleware:
    """Mark `SameSite=None; Secure` cookies `Partitioned` on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if enabled():
            for morsel in response.cookies.values():
                if str(morsel["samesite"]).lower() == "none" and morsel["secure"]:
                    morsel["partitioned"] = True
        return response
