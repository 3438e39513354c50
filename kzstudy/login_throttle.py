"""The two hooks django-axes calls for login throttling: who the client is, what a lockout shows.

The rules themselves (limit, cool-off, what is counted) are the AXES_* settings; see
docs/security.md.
"""

from __future__ import annotations

import ipaddress
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the deployment can vouch for it.

    With no trusted proxy it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT proxies that each append
    the address they received from to X-Forwarded-For, it is that many entries from the right:
    anything further left came from the client and could be made up to dodge the limit.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        # Not through the whole chain of proxies (a direct request): only the socket is known.
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The lockout page: 429 in the site's style, saying how long to wait (also in Retry-After)."""
    cool_off = settings.AXES_COOLOFF_TIME
    response = render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": math.ceil(cool_off.total_seconds() / 60),
            "login_url": request.path,
        },
        status=429,
    )
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
