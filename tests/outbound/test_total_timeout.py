"""OUTBOUND_TOTAL_TIMEOUT bounds the whole exchange, not just the body (quizzes/outbound.py).

Socket timeouts (`OUTBOUND_CONNECT_TIMEOUT`, `OUTBOUND_TIMEOUT`) bound each wait for a byte, so
a peer sending one byte just under them could hold a request, and the worker making it, for as
long as it liked. These peers are hand-written on real sockets so that they can stall wherever
they please: while connecting, in the TLS handshake, while the request is sent, in the headers,
in the body. Each listens on 127.0.0.2, which the policy is told to treat as reachable.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress

import pytest

from quizzes import outbound
from quizzes.outbound import OutboundError

# Per-byte timeouts well above each trickle's pace and above the total, so only the total can
# stop these exchanges; the slack covers a slow test machine.
TOTAL = 1.0
SLACK = 1.5
TRICKLE = 0.1  # seconds between bytes: a peer that would take 8 s for what it sends
Answer = Callable[[socket.socket, threading.Event], None]


@pytest.fixture
def peer(settings):
    """`serve(answer)` starts a peer that runs `answer(connection, stop)` for one connection and
    gives its address; the peers stop and their threads end with the test."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.OUTBOUND_CONNECT_TIMEOUT = 5
    settings.OUTBOUND_TIMEOUT = 5
    settings.OUTBOUND_TOTAL_TIMEOUT = TOTAL
    stop = threading.Event()
    listeners: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def serve(answer: Answer) -> str:
        listener = socket.create_server(("127.0.0.2", 0))
        listener.settimeout(TRICKLE)
        listeners.append(listener)

        def run() -> None:
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                with connection, suppress(OSError):  # the client hung up: done
                    connection.settimeout(None)
                    answer(connection, stop)
                return

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)
        return f"127.0.0.2:{listener.getsockname()[1]}"

    yield serve
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    for listener in listeners:
        listener.close()


def _request_of(connection: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def _trickle(connection: socket.socket, stop: threading.Event, byte: bytes) -> bool:
    """Send `byte` every TRICKLE seconds for 8 s; False when told to stop first."""
    for _ in range(80):
        if stop.wait(TRICKLE):
            return False
        connection.sendall(byte)
    return True


def _watchdogs() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if isinstance(thread, threading.Timer)]


def _cut_off(url: str, **kwargs) -> float:
    """How long the request took to fail with the timeout error the policy always gives."""
    started = time.monotonic()
    with pytest.raises(OutboundError) as failed:
        outbound.request("POST" if "data" in kwargs else "GET", url, **kwargs)
    took = time.monotonic() - started

    assert failed.value.message == "The platform timed out."
    assert failed.value.retryable
    assert _watchdogs() == []
    return took


def test_a_server_trickling_its_headers_is_cut_off_at_the_total_timeout(peer):
    """The reviewer's probe: until the last header arrived, only the per-byte timeout used to
    apply, so a byte of a header every few seconds held the request indefinitely."""

    def slow_headers(connection: socket.socket, stop: threading.Event) -> None:
        _request_of(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ")
        if _trickle(connection, stop, b"a"):
            connection.sendall(b"\r\nContent-Length: 2\r\n\r\n{}")

    address = peer(slow_headers)

    assert _cut_off(f"http://{address}/.well-known/openid-configuration") < TOTAL + SLACK


def test_a_server_trickling_its_tls_handshake_is_cut_off_at_the_total_timeout(peer):
    def slow_handshake(connection: socket.socket, stop: threading.Event) -> None:
        connection.recv(65536)  # the ClientHello
        connection.sendall(b"\x16\x03\x03\x40\x00")  # a 16 KiB handshake record, announced
        _trickle(connection, stop, b"\x00")

    address = peer(slow_handshake)

    assert _cut_off(f"https://{address}/jwks") < TOTAL + SLACK


def test_a_server_reading_the_request_slowly_is_cut_off_at_the_total_timeout(peer):
    def slow_reader(connection: socket.socket, stop: threading.Event) -> None:
        while not stop.wait(TRICKLE) and connection.recv(16 * 1024):
            pass

    address = peer(slow_reader)
    body = b"x" * (32 * 1024 * 1024)  # more than the socket buffers hold

    assert _cut_off(f"http://{address}/token", data=body) < TOTAL + SLACK


def test_a_connection_never_accepted_waits_no_longer_than_the_total_timeout(peer):
    listener = socket.create_server(("127.0.0.2", 0), backlog=0)
    address = listener.getsockname()
    with listener, socket.create_connection(address):  # fills the queue: further SYNs go unheard
        assert _cut_off(f"http://127.0.0.2:{address[1]}/jwks") < TOTAL + SLACK


def test_a_server_trickling_its_body_is_cut_off_at_the_total_timeout(peer):
    def slow_body(connection: socket.socket, stop: threading.Event) -> None:
        _request_of(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 80\r\n\r\n")
        _trickle(connection, stop, b" ")

    address = peer(slow_body)

    assert _cut_off(f"http://{address}/jwks") < TOTAL + SLACK


def _descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_a_prompt_answer_still_succeeds_and_leaves_no_thread_or_socket_behind(peer):
    def prompt(connection: socket.socket, stop: threading.Event) -> None:
        _request_of(connection)
        connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{"keys": []}')

    address = peer(prompt)
    before = _descriptors()

    reply = outbound.request("GET", f"http://{address}/jwks")

    assert reply.json() == {"keys": []}
    assert _watchdogs() == []
    settled = time.monotonic() + 2  # the peer closes its end of the connection in its own time
    while _descriptors() != before and time.monotonic() < settled:
        time.sleep(0.05)
    assert _descriptors() == before
