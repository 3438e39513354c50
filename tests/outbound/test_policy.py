"""The outbound policy (quizzes/outbound.py) under production settings, against real HTTP peers.

The suite's settings allow private networks (the test platform serves on 127.0.0.1); the
`production` fixture turns that off again and keeps plain http, so a refusal here is the
address rule's doing, not the scheme's. Servers listen on loopback, so "refused before any byte
is sent" is checked by the server's own log staying empty.
"""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from quizzes import outbound
from quizzes.outbound import OutboundError


@pytest.fixture
def production(settings):
    """Production's address rules; plain http stays allowed so loopback test servers answer."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    return settings


@pytest.fixture
def public_server(production):
    """A second server on 127.0.0.2, which the policy is told to treat as reachable (the way an
    operator lists an LMS's network), standing in for a platform on the internet."""
    production.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    server = HTTPServer(host="127.0.0.2", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


# -- what an address or URL may be ------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.0.8",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:a00:1::",
    ],
)
def test_private_local_and_special_addresses_are_refused(production, address):
    assert outbound.address_problem(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700::1111"])
def test_public_addresses_are_allowed(production, address):
    assert outbound.address_problem(ipaddress.ip_address(address)) is None


def test_allowing_private_networks_still_refuses_cloud_metadata(production):
    production.OUTBOUND_ALLOW_PRIVATE_NETWORKS = True

    assert outbound.address_problem(ipaddress.ip_address("10.0.0.5")) is None
    assert outbound.address_problem(ipaddress.ip_address("169.254.169.254")) == (
        "a cloud metadata address"
    )


def test_an_allowed_network_is_reachable_and_nothing_beside_it(production):
    production.OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16"]

    assert outbound.address_problem(ipaddress.ip_address("10.20.3.4")) is None
    assert outbound.address_problem(ipaddress.ip_address("10.21.3.4")) is not None


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://[::1", "is not a valid URL"),
        ("http://platform.example:99999/", "is not a valid URL"),
        ("http://platform.example:port/", "is not a valid URL"),
        ("http://platform.example/a b", "is not a valid URL"),
        ("http://user:secret@platform.example/", "must not contain a user name or password"),
        ("ftp://platform.example/", "must be an absolute http or https URL"),
        ("/relative/path", "must be an absolute http or https URL"),
        (None, "must be an absolute http or https URL"),
        (["http://platform.example/"], "must be an absolute http or https URL"),
        ("http://localhost/", "points to a private or local address"),
        ("http://lms.localhost/", "points to a private or local address"),
        ("http://[::ffff:127.0.0.1]/", "points to a private or local address"),
        ("http://[::1]/", "points to a private or local address"),
        ("http://[::]/", "points to a reserved or multicast address"),
        ("http://169.254.169.254/latest/meta-data/", "points to a cloud metadata address"),
        ("https://platform.example/jwks", None),
    ],
)
def test_a_url_is_judged_without_raising(production, url, problem):
    assert outbound.url_problem(url) == problem


def test_plain_http_is_refused_in_production(production):
    production.OUTBOUND_ALLOW_HTTP = False

    assert outbound.url_problem("http://platform.example/") == "must be an absolute https URL"


# -- nothing reaches a private address ----------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "10.1.2.3", "169.254.169.254"],
)
def test_a_private_url_is_refused_before_any_byte_is_sent(production, httpserver, host):
    httpserver.expect_request("/secret").respond_with_data("internal")

    with pytest.raises(OutboundError, match="points to") as refused:
        outbound.request("GET", f"http://{host}:{httpserver.port}/secret")

    assert not refused.value.retryable
    assert httpserver.log == []


@pytest.mark.parametrize("host", ["localhost.", "127.1", "2130706433", "0x7f000001"])
def test_a_host_name_resolving_to_loopback_is_refused_where_the_socket_connects(
    production, httpserver, host
):
    """No URL rule knows these spellings; the real resolver turns each into 127.0.0.1, and the
    connection refuses the address it was about to connect to."""
    httpserver.expect_request("/secret").respond_with_data("internal")
    url = f"http://{host}:{httpserver.port}/secret"
    assert outbound.url_problem(url) is None

    with pytest.raises(OutboundError) as refused:
        outbound.request("GET", url)

    assert refused.value.message == "The platform could not be reached."
    assert httpserver.log == []


@pytest.mark.parametrize("host", ["a..b.example", "x" * 70 + ".example"])
def test_a_host_name_no_resolver_accepts_is_only_unreachable(production, host):
    with pytest.raises(OutboundError) as failed:
        outbound.request("GET", f"https://{host}/jwks")

    assert failed.value.message == "The platform could not be reached."


def test_dns_rebinding_gains_nothing_the_name_is_resolved_once_where_it_connects(
    production, httpserver, monkeypatch
):
    """A rebinding name answers public first and 127.0.0.1 afterwards. The policy has no
    separate first look: the one resolution is made by the connection and checked there."""
    real_getaddrinfo = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        address = "127.0.0.1" if asked[1:] else "192.0.2.10"  # TEST-NET first, then loopback
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    httpserver.expect_request("/secret").respond_with_data("internal")
    production.OUTBOUND_ALLOWED_NETWORKS = ["192.0.2.0/24"]
    production.OUTBOUND_CONNECT_TIMEOUT = 0.3

    with pytest.raises(OutboundError):
        outbound.request("GET", f"http://rebind.example:{httpserver.port}/secret")

    assert asked == ["rebind.example"]
    assert httpserver.log == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    production, httpserver, monkeypatch
):
    real_getaddrinfo = socket.getaddrinfo

    def mixed(host, port, *args, **kwargs):
        if host != "mixed.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)

    with pytest.raises(OutboundError, match="could not be reached"):
        outbound.request("GET", f"http://mixed.example:{httpserver.port}/")

    assert httpserver.log == []


def test_the_connection_goes_to_the_checked_address_and_keeps_the_host_name(
    production, httpserver, monkeypatch
):
    real_getaddrinfo = socket.getaddrinfo

    def lms(host, port, *args, **kwargs):
        name = "lms.campus.example" if host == "lms.campus.example" else None
        if name is None:
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", lms)
    production.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    httpserver.expect_request("/jwks").respond_with_json({"keys": []})

    reply = outbound.request("GET", f"http://lms.campus.example:{httpserver.port}/jwks")

    assert reply.json() == {"keys": []}
    [(request, _)] = httpserver.log
    assert request.headers["Host"] == f"lms.campus.example:{httpserver.port}"


# -- redirects ----------------------------------------------------------------------------------


def test_redirect_to_a_private_address_is_refused(public_server, httpserver):
    httpserver.expect_request("/secret").respond_with_data("internal")
    secret = f"http://127.0.0.1:{httpserver.port}/secret"
    public_server.expect_request("/jwks").respond_with_data(
        "", status=302, headers={"Location": secret}
    )

    with pytest.raises(OutboundError, match="redirect") as refused:
        outbound.request("GET", public_server.url_for("/jwks"))

    assert refused.value.status == 302
    assert httpserver.log == []


def test_a_library_that_follows_redirects_is_stopped_at_the_private_hop(public_server, httpserver):
    """pylti1p3 takes a requests session; the policy's session checks every hop's address even
    when the library asks for redirects to be followed."""
    httpserver.expect_request("/secret").respond_with_data("internal")
    public_server.expect_request("/jwks").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{httpserver.port}/secret"}
    )
    checked = outbound.session()
    checked.max_redirects = 5

    with pytest.raises(outbound.AddressRefused):
        checked.get(public_server.url_for("/jwks"))

    assert len(public_server.log) == 1
    assert httpserver.log == []


def test_the_policy_session_ignores_proxies_from_the_environment(public_server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    public_server.expect_request("/jwks").respond_with_json({"keys": []})

    assert outbound.request("GET", public_server.url_for("/jwks")).json() == {"keys": []}


# -- limits and what the user is told ------------------------------------------------------------


def test_an_answer_larger_than_the_limit_is_cut_off_with_a_clear_error(public_server):
    public_server.expect_request("/roster").respond_with_data("x" * 200_000)

    with pytest.raises(OutboundError) as refused:
        outbound.request("GET", public_server.url_for("/roster"), max_bytes=100_000)

    assert refused.value.message == "The platform sent an answer larger than 100,000 bytes."


def test_a_streamed_answer_without_a_length_stops_at_the_limit(public_server, production):
    production.OUTBOUND_MAX_RESPONSE_BYTES = 100_000
    sent = []

    def endless(request):
        def chunks():
            for _ in range(1000):
                sent.append(1)
                yield b"x" * 10_000

        return Response(chunks(), content_type="application/json")

    public_server.expect_request("/roster").respond_with_handler(endless)

    with pytest.raises(OutboundError, match="larger than 100,000 bytes"):
        outbound.request("GET", public_server.url_for("/roster"))

    assert len(sent) < 1000


@pytest.mark.parametrize("declared", ["²", "9" * 5000])
def test_a_malformed_content_length_is_read_within_the_limit_not_taken_for_a_network_failure(
    public_server, declared
):
    def odd_length(request):
        response = Response(b'{"keys": []}', content_type="application/json")
        response.headers["Content-Length"] = declared
        return response

    public_server.expect_request("/jwks").respond_with_handler(odd_length)

    if declared.isascii():  # more bytes than any limit: refused before reading
        with pytest.raises(OutboundError, match="larger than 100,000 bytes"):
            outbound.request("GET", public_server.url_for("/jwks"), max_bytes=100_000)
    else:
        reply = outbound.request("GET", public_server.url_for("/jwks"), max_bytes=100_000)
        assert reply.json() == {"keys": []}


def test_a_platform_that_does_not_answer_in_time_times_out(public_server, production):
    production.OUTBOUND_TIMEOUT = 0.2

    def slow(request):
        time.sleep(1)
        return Response("{}")

    public_server.expect_request("/token", method="POST").respond_with_handler(slow)

    with pytest.raises(OutboundError) as failed:
        outbound.request("POST", public_server.url_for("/token"))

    assert failed.value.message == "The platform timed out."
    assert failed.value.retryable


def test_a_platform_dripping_its_answer_is_cut_off_by_the_total_timeout(public_server, production):
    production.OUTBOUND_TOTAL_TIMEOUT = 0.3

    def drip(request):
        def chunks():
            for _ in range(50):
                time.sleep(0.05)
                yield b" "

        return Response(chunks())

    public_server.expect_request("/jwks").respond_with_handler(drip)
    started = time.monotonic()

    with pytest.raises(OutboundError, match="timed out"):
        outbound.request("GET", public_server.url_for("/jwks"))

    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "status, body, message, retryable",
    [
        (502, "SECRET-INTERNAL-TOKEN", "The platform answered with HTTP 502.", True),
        (429, "SECRET-INTERNAL-TOKEN", "The platform answered with HTTP 429.", True),
        (403, "SECRET-INTERNAL-TOKEN", "The platform answered with HTTP 403.", False),
        (200, "SECRET-INTERNAL-TOKEN is not JSON", "The platform did not answer with JSON.", True),
        (200, "[" * 100_000, "The platform did not answer with JSON.", True),
    ],
    ids=["502", "429", "403", "not-json", "nested-too-deep"],
)
def test_the_error_shown_never_contains_the_remote_body(
    public_server, status, body, message, retryable
):
    public_server.expect_request("/service").respond_with_data(body, status=status)

    with pytest.raises(OutboundError) as failed:
        outbound.request("GET", public_server.url_for("/service")).json()

    assert failed.value.message == message
    assert "SECRET" not in str(failed.value)
    assert failed.value.retryable is retryable


def test_an_unreachable_host_says_only_that_it_could_not_be_reached(public_server):
    port = public_server.port
    public_server.stop()  # nothing listens there any more

    with pytest.raises(OutboundError) as failed:
        outbound.request("GET", f"http://127.0.0.2:{port}/jwks")

    assert failed.value.message == "The platform could not be reached."
    assert "Errno" not in str(failed.value) and "refused" not in str(failed.value)
    assert failed.value.retryable


def test_a_successful_answer_gives_its_json_and_next_page_link(public_server):
    public_server.expect_request("/members").respond_with_json(
        {"members": []}, headers={"Link": '<https://lms.example/members?p=2>; rel="next"'}
    )

    reply = outbound.request("GET", public_server.url_for("/members"))

    assert reply.json() == {"members": []}
    assert reply.links == {"next": "https://lms.example/members?p=2"}
    assert reply.headers["content-type"] == "application/json"


def test_requests_send_the_tools_user_agent(public_server):
    public_server.expect_request("/jwks").respond_with_json({"keys": []})

    outbound.request("GET", public_server.url_for("/jwks"))

    [(request, _)] = public_server.log
    assert request.headers["User-Agent"] == outbound.USER_AGENT
