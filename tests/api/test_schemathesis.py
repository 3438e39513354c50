"""Schemathesis against the running server's own schema, as a learner and as an instructor.

No 5xx, every response matches the schema, bad input gets a 4xx. The server is gunicorn on a
fresh database (tests/browser/server.py), reached over real HTTP.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.browser.server import KzstudyServer


class ApiServer(KzstudyServer):
    """The shared test server with the write throttle lifted (schemathesis writes a lot)."""

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "API_WRITE_RATE": "100000/minute"}


@pytest.fixture(scope="session")
def api_server(article_path: Path, tmp_path_factory):
    server = ApiServer(
        base_dir=Path(django_settings.BASE_DIR),
        workdir=tmp_path_factory.mktemp("api"),
        article=article_path,
    )
    server.set_up()
    server.start()
    yield server
    server.stop()


def token_for(server: KzstudyServer, username: str) -> str:
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from quizzes.services.tokens import token_create\n"
        f"user = get_user_model().objects.get(username={username!r})\n"
        "print(token_create(user=user, name='schemathesis', scope='write', actor=None)[1])"
    )
    return server.shell(code).strip().splitlines()[-1]


@pytest.fixture(scope="session")
def tokens(api_server) -> dict[str, str]:
    return {name: token_for(api_server, name) for name in ("student", "instructor")}


EXAMPLES = int(os.environ.get("KZSTUDY_SCHEMATHESIS_EXAMPLES", "20"))


def fuzz_every_operation(server: KzstudyServer, token: str) -> list[str]:
    """Run schemathesis's checks on every operation; the failures, described."""
    schema = schemathesis.openapi.from_url(f"{server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {token}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE":
            continue  # revoking tokens would revoke this test's own credentials
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case):
            # Every other check stays on. This one wants a 2xx for any schema-valid body, but a
            # well-formed request can still name a section or choice that does not exist, and
            # the right answer to that is a 400 (which the other checks verify is documented).
            case.call_and_validate(
                base_url=server.url, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        try:
            check()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # schemathesis raises a BaseExceptionGroup; report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert operations >= 10
    return failures


def test_the_api_honours_its_schema_for_a_learner(api_server, tokens):
    failures = fuzz_every_operation(api_server, tokens["student"])
    assert failures == [], "\n\n".join(failures)


def test_the_api_honours_its_schema_for_an_instructor(api_server, tokens):
    failures = fuzz_every_operation(api_server, tokens["instructor"])
    assert failures == [], "\n\n".join(failures)
