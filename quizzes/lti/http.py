"""Outgoing HTTP to platforms: one place for timeouts and the user agent."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings

USER_AGENT = "kzstudy-lti/1.0"


def timeout() -> float:
    return float(getattr(settings, "LTI_HTTP_TIMEOUT", 10))


def request(method: str, url: str, **kwargs: Any) -> requests.Response:
    """Send a request with the tool's timeout; redirects are not followed for non-GETs."""
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    kwargs.setdefault("allow_redirects", method.upper() == "GET")
    return requests.request(method, url, headers=headers, timeout=timeout(), **kwargs)
