"""Every HTTP request to a URL that came from outside (a platform's configuration, keys, token
endpoint, grade and roster services, a deep-linking return address): one policy, one client.

The policy (docs/security.md, "Outbound requests"):

- **https only**, unless `OUTBOUND_ALLOW_HTTP` is on (local test platforms).
- **The address is checked where the socket connects.** The connection resolves the host
  itself, refuses the whole request when any address it got is loopback, private, link-local,
  shared (CGNAT), multicast, reserved, unspecified or a cloud metadata service (IPv4 and IPv6,
  IPv4-mapped IPv6 unwrapped), and connects to exactly the address it checked; TLS still
  verifies the certificate and sends SNI for the host name. So a host that resolves to a public
  address for a first look and to 127.0.0.1 for the request (DNS rebinding) gains nothing: there
  is no first look. `OUTBOUND_ALLOW_PRIVATE_NETWORKS` lifts the private-address rule (tests, a
  developer's local LMS); `OUTBOUND_ALLOWED_NETWORKS` lists networks (CIDR) allowed whatever the
  rules, for an LMS on the same private network. Environment proxies are ignored, since through
  a proxy the tool could not see where it connects.
- **Redirects are refused**, not followed. No LTI endpoint needs one (configuration, JWKS,
  token, AGS and NRPS URLs are the platform's own, given exactly), and following one would let
  an open redirect on an LMS's host swap the configuration a registration reads, and send a
  bearer token on to wherever the redirect points. Every hop would be re-checked anyway (each
  connection passes the address check), but refusing is simpler to reason about.
- **Short timeouts and a size limit**: `OUTBOUND_CONNECT_TIMEOUT` to connect,
  `OUTBOUND_TIMEOUT` between bytes, `OUTBOUND_TOTAL_TIMEOUT` for the whole exchange, from the
  request's start (connecting, TLS, sending, the headers, the body) to the answer's last byte,
  however slowly a peer trickles it: a watchdog shuts the connection's socket down at the
  deadline (see `_Exchange`). The answer is streamed and reading stops past
  `OUTBOUND_MAX_RESPONSE_BYTES` (so no JSON parsed here is ever larger), and JSON too deeply
  nested to parse is refused like any other bad answer.
- **One error, safe to show**: `OutboundError.message` names who failed and how in our words
  ("The platform answered with HTTP 502.") and never quotes the remote answer or a low-level
  error, which would make the tool an oracle for what answers where; the detail is logged
  (`kzstudy.outbound`) for the operator.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import parse_header_links
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

logger = logging.getLogger("kzstudy.outbound")

USER_AGENT = "kzstudy/1.0"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services hand out the server's credentials: refused even when private
# networks are allowed (only OUTBOUND_ALLOWED_NETWORKS can name them).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
# Not public, though some Python versions call them global (shared/CGNAT space, IETF protocol
# assignments, benchmarking, documentation), or public prefixes that translate to an embedded
# IPv4 address, which may be a private one (NAT64, 6to4, Teredo).
NON_PUBLIC_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        *("100.64.0.0/10", "192.0.0.0/24", "192.88.99.0/24", "198.18.0.0/15", "2001:db8::/32"),
        *("64:ff9b::/96", "64:ff9b:1::/48", "2001::/32", "2002::/16", "3fff::/20", "5f00::/16"),
    )
)
PRIVATE = "a private or local address"
LOOPBACK = ipaddress.ip_address("127.0.0.1")
# Enough for any configuration, key set, token or registration answer; rosters get the setting.
DOCUMENT_BYTES = 1024 * 1024


class OutboundError(Exception):
    """A refused or failed outbound request.

    `message` is safe to show to anyone; `status` is the HTTP status when the peer answered;
    `retryable` says whether the same request may succeed later (network trouble, 5xx, 429).
    """

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


class AddressRefused(Exception):
    """Raised inside the connection; deliberately no OSError, so urllib3 passes it straight up."""

    def __init__(self, host: str, address: str, problem: str) -> None:
        super().__init__(f"{host} resolves to {address}, {problem}")


class TotalTimeout(urllib3.exceptions.TimeoutError):
    """OUTBOUND_TOTAL_TIMEOUT passed before the exchange ended; told like any other timeout."""


# -- the policy ------------------------------------------------------------------------------


def allow_http() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_HTTP", False))


def allow_private_networks() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_PRIVATE_NETWORKS", False))


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)
    except ValueError as error:
        raise ImproperlyConfigured(f"OUTBOUND_ALLOWED_NETWORKS: {error}") from error


def address_problem(address: IPAddress) -> str | None:
    """Why the tool may not connect to this address (a phrase), or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1; judge the address it stands for.
        address = address.ipv4_mapped
    if any(address in n for n in _networks(tuple(settings.OUTBOUND_ALLOWED_NETWORKS))):
        return None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    # ::1 lies in IPv6's reserved ::/8 too, but is plain loopback.
    if (
        address.is_unspecified
        or address.is_multicast
        or (address.is_reserved and not address.is_loopback)
    ):
        return "a reserved or multicast address"
    if address.is_global and not any(address in n for n in NON_PUBLIC_NETWORKS):
        return None
    return None if allow_private_networks() else PRIVATE


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def url_problem(url: object) -> str | None:
    """Why this URL may not be fetched (a phrase completing "The URL …"), or None.

    Checks what the URL itself says: scheme, syntax, credentials, an IP or `localhost` host.
    Host names are judged where the connection is made (see the module docstring).
    """
    schemes = ("http", "https") if allow_http() else ("https",)
    wanted = f"must be an absolute {' or '.join(schemes)} URL"
    if not isinstance(url, str) or not url:
        return wanted
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError:
        # urlsplit refuses an unclosed "[::1" or a bad port: a malformed URL, not a server error.
        return "is not a valid URL"
    if parts.scheme not in schemes or not host:
        return wanted
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return "is not a valid URL"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    literal = _ip_literal(host)
    if literal is None and (host == "localhost" or host.endswith(".localhost")):
        literal = LOOPBACK  # RFC 6761: always the loopback interface, whatever DNS says
    problem = address_problem(literal) if literal is not None else None
    return f"points to {problem}" if problem else None


def check_url(url: object, what: str) -> str:
    """The URL when it may be fetched; else OutboundError("<what> <why>.")."""
    problem = url_problem(url)
    if problem:
        raise OutboundError(f"{what} {problem}.")
    return url  # type: ignore[return-value]


# -- the deadline of the whole exchange -------------------------------------------------------


class _Exchange:
    """One request's OUTBOUND_TOTAL_TIMEOUT, from its start to the answer's last byte.

    Socket timeouts only bound each operation, so a peer sending a header byte every few seconds
    would never meet one. A watchdog timer shuts down, at the deadline, every socket the
    exchange's connection made (through a duplicate of its descriptor, which stays ours until
    the exchange ends and still reaches the socket once TLS wraps it): whatever is waiting on it
    (connecting, the TLS handshake, sending, the headers, the body) fails at once, and `expired`
    tells the caller why. Leaving the exchange cancels and joins the timer and closes the
    duplicates, so no thread or descriptor outlives it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def over(self) -> bool:
        """Whether the deadline has passed (the watchdog may be a moment behind the clock)."""
        return self.expired or time.monotonic() >= self.deadline

    def timed_out(self) -> TotalTimeout:
        return TotalTimeout(f"no complete answer within {self.seconds:g} s")

    def watch(self, sock: socket.socket) -> float:
        """Put `sock` under the watchdog; the seconds left, or TimeoutError when none are."""
        with self._lock:
            left = self.deadline - time.monotonic()
            if self.expired or left <= 0:
                raise TimeoutError(f"no complete answer within {self.seconds:g} s")
            self._sockets.append(sock.dup())
            return left

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with suppress(OSError):  # not connected (yet, or any more)
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Exchange:
        self._timer.start()
        self._token = _EXCHANGE.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _EXCHANGE.reset(self._token)
        self._timer.cancel()
        self._timer.join()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


# The exchange the current request belongs to; none for a library's call through `session()`.
_EXCHANGE: ContextVar[_Exchange | None] = ContextVar("outbound_exchange", default=None)


# -- the connection that checks where it connects ---------------------------------------------


def _resolve(host: str, port: int, timeout: float, exchange: _Exchange | None) -> list[Any]:
    """The host's addresses (getaddrinfo), waited for no longer than the connect timeout or
    what the exchange has left. The system's resolver keeps timeouts of its own (5 s a try,
    several tries per name server) that no socket of ours bounds, so it runs in a thread of
    its own, which a resolver that does not answer leaves behind until it gives up."""
    if exchange is not None:
        timeout = min(timeout, max(exchange.deadline - time.monotonic(), 0))
    answer: list[Any] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM))
        except BaseException as error:  # handed to the caller below
            answer.append(error)

    thread = threading.Thread(target=lookup, name="outbound-resolve", daemon=True)
    thread.start()
    thread.join(timeout)
    if not answer:
        raise TimeoutError(f"no address for {host} within {timeout:g} s")
    if isinstance(answer[0], BaseException):
        raise answer[0]
    return answer[0]


class _CheckedConnectionMixin:
    """Resolve, check every address, connect to a checked one (urllib3's `_new_conn`)."""

    def _new_conn(self) -> socket.socket:
        host = self._dns_host.strip("[]")
        exchange = _EXCHANGE.get()
        # A float from `request`; urllib3's "no value" sentinel when a library's call named
        # none, which gets the policy's connect timeout instead.
        given = self.timeout if isinstance(self.timeout, int | float) else None
        connect_timeout = given or _setting("OUTBOUND_CONNECT_TIMEOUT", 5)
        try:
            found = _resolve(host, self.port, connect_timeout, exchange)
        except (socket.gaierror, UnicodeError) as error:  # UnicodeError: an empty label
            raise NameResolutionError(self.host, self, error) from error
        except TimeoutError as timeout:
            raise ConnectTimeoutError(self, f"Resolving {self.host} timed out.") from timeout
        for *_, sockaddr in found:
            problem = address_problem(ipaddress.ip_address(sockaddr[0].split("%")[0]))
            if problem:
                # One bad address refuses the host: a name that points both outside and
                # inside is no platform's, and trying the others would only hide it.
                raise AddressRefused(self.host, sockaddr[0], problem)
        error: OSError | None = None
        for family, kind, proto, _, sockaddr in found:
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                timeout = connect_timeout
                if exchange is not None:  # no longer than the exchange has left
                    timeout = min(timeout, exchange.watch(sock))
                sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except TimeoutError as timeout:
                sock.close()
                message = f"Connection to {self.host} timed out."
                raise ConnectTimeoutError(self, message) from timeout
            except OSError as failure:
                sock.close()
                error = failure
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class _CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise AddressRefused(proxy, "a proxy", "which the outbound policy does not use")


class _CheckedSession(requests.Session):
    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", _timeouts())
        return super().request(method, url, *args, **kwargs)


def _timeouts() -> tuple[float, float]:
    return (_setting("OUTBOUND_CONNECT_TIMEOUT", 5), _setting("OUTBOUND_TIMEOUT", 10))


def _checked_session() -> requests.Session:
    checked = _CheckedSession()
    checked.trust_env = False  # no proxies or .netrc from the environment
    checked.headers["User-Agent"] = USER_AGENT
    adapter = _CheckedAdapter(max_retries=0)
    checked.mount("http://", adapter)
    checked.mount("https://", adapter)
    return checked


def session() -> requests.Session:
    """A requests session under the policy's address check and timeouts, refusing redirects.

    For a library that takes a session (pylti1p3 does); kzstudy's own code calls `request`,
    which adds the URL check, OUTBOUND_TOTAL_TIMEOUT, the size limit and safe errors.
    """
    checked = _checked_session()
    checked.max_redirects = 0  # following one raises TooManyRedirects
    return checked


# -- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A successful (2xx) answer, read in full within the size limit."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    what: str = "The platform"
    links: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body as JSON, or OutboundError (retryable: a platform may answer well later)."""
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as error:
            logger.warning("%s: answer is not usable JSON (%s)", self.what, error)
            raise OutboundError(f"{self.what} did not answer with JSON.", retryable=True) from error


def _loggable(url: str) -> str:
    """The URL without its query, which may hold a registration token."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed URL>"
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _read(response: requests.Response, what: str, limit: int, exchange: _Exchange) -> bytes:
    too_large = OutboundError(f"{what} sent an answer larger than {limit:,} bytes.")
    declared = response.headers.get("Content-Length", "")
    # ASCII digits only ("²" passes str.isdigit() and int() refuses it); a length past 18
    # digits is over any limit, and int() would refuse thousands of them. Any other value is
    # ignored: the read below is bounded either way.
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
        raise too_large
    chunks, size = [], 0
    # read1 returns what has arrived rather than waiting for a full chunk, so a peer sending a
    # byte at a time still meets the deadline.
    while chunk := response.raw.read1(64 * 1024, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise too_large
        if exchange.over():
            raise exchange.timed_out()
        chunks.append(chunk)
    return b"".join(chunks)


def _send(method: str, url: str, what: str, limit: int, kwargs: dict[str, Any]) -> Reply:
    with _Exchange(_setting("OUTBOUND_TOTAL_TIMEOUT", 30)) as exchange:
        try:
            reply = _request_and_read(method, url, what, limit, kwargs, exchange)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError) as e:
            # The watchdog's shutdown, whatever it looked like where it hit (a closed connection,
            # a TLS error), or a socket timeout capped by the time left.
            if exchange.over():
                raise exchange.timed_out() from e
            raise
        if exchange.expired:  # a body read "to its end" may have been cut short by the shutdown
            raise exchange.timed_out()
        return reply


def _request_and_read(
    method: str, url: str, what: str, limit: int, kwargs: dict[str, Any], exchange: _Exchange
) -> Reply:
    with (
        _checked_session() as checked,
        checked.request(method, url, allow_redirects=False, stream=True, **kwargs) as response,
    ):
        status = response.status_code
        if 300 <= status < 400:
            location = _loggable(response.headers.get("Location", ""))
            logger.warning("%s %s: redirect to %s refused", method, _loggable(url), location)
            raise OutboundError(
                f"{what} answered with a redirect (HTTP {status}), which kzstudy does not follow.",
                status=status,
            )
        if status >= 400:
            # For the log only; however long the error page, a glimpse is enough.
            excerpt = response.raw.read1(300, decode_content=True).decode(errors="replace")
            logger.warning("%s %s: HTTP %s %r", method, _loggable(url), status, excerpt)
            raise OutboundError(
                f"{what} answered with HTTP {status}.",
                status=status,
                retryable=status >= 500 or status == 429,
            )
        body = _read(response, what, limit, exchange)
        links = {
            link["rel"]: link["url"]
            for link in parse_header_links(response.headers.get("Link", ""))
            if "rel" in link and "url" in link
        }
        headers = CaseInsensitiveDict(response.headers)
        return Reply(status=status, headers=headers, body=body, what=what, links=links)


def request(
    method: str,
    url: str,
    *,
    what: str = "The platform",
    max_bytes: int | None = None,
    **kwargs: Any,
) -> Reply:
    """Send one request under the policy; a 2xx Reply, or OutboundError with a safe message.

    `what` names the peer in messages ("The platform", "The platform's key set"); `kwargs` go
    to requests (headers, params, data, json).
    """
    check_url(url, f"{what}'s address")
    limit = int(max_bytes or _setting("OUTBOUND_MAX_RESPONSE_BYTES", 5 * 1024 * 1024))
    try:
        return _send(method, url, what, limit, kwargs)
    except AddressRefused as error:
        # Said like any unreachable host, so the message tells nobody what lies inside.
        logger.warning("%s %s refused: %s", method, _loggable(url), error)
        raise OutboundError(f"{what} could not be reached.") from error
    except (requests.Timeout, urllib3.exceptions.TimeoutError) as error:
        logger.warning("%s %s timed out: %s", method, _loggable(url), error)
        raise OutboundError(f"{what} timed out.", retryable=True) from error
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError) as error:
        # The body is read from urllib3 directly, whose errors are not requests'; ValueError:
        # a host name no resolver accepts.
        logger.warning("%s %s failed: %s", method, _loggable(url), error)
        raise OutboundError(f"{what} could not be reached.", retryable=True) from error
