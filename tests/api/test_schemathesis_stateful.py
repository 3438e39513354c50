"""Schemathesis's stateful mode over the attempt flow: it follows the schema's OpenAPI links
(quizzes → start → read → answer → answer again → submit → read, submit again…) and generates
sequences of calls, not only single calls. Every response must keep the contract: no 5xx,
documented statuses and bodies; and the sequences must really walk the flow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.modes import GenerationMode

from tests.browser.server import KzstudyServer, stop_process
from tests.reliability.live import Exam, exam_server

FLOW = ["quizzes_list", "attempt_start", "attempt_get", "answer_put", "attempt_submit"]
SCENARIOS = int(os.environ.get("KZSTUDY_SCHEMATHESIS_SCENARIOS", "50"))


# A course without the article (so no shared quiz with random pools is offered in it) and one
# practice quiz of two fixed questions: the same calls get the same answers in every sequence,
# which Hypothesis needs (it checks that replaying choices draws the same kinds of data).
STATEFUL_COURSE = """
import json
from django.contrib.auth import get_user_model
from quizzes.models import Course, Enrolment, Question
from quizzes.services.tokens import token_create
from tests.factories import fixed_quiz
course = Course.objects.create(slug="stateful", title="Stateful")
user = get_user_model().objects.create_user("stateful-learner")
Enrolment.objects.create(course=course, user=user, role="learner")
shared = Question.objects.filter(course__isnull=True, status="published").order_by("pk")
questions = [shared.filter(current_version__qtype=kind).first()
             for kind in ("true_false", "single_choice")]
quiz = fixed_quiz(questions, title="Two fixed questions", course=course, mode="practice",
                  max_attempts=None)
print(json.dumps({"quiz": quiz.pk, "course": course.pk,
                  "tokens": [token_create(user=user, name="stateful", scope="write", actor=None)[1]]}))
"""


# Run beside the server, on its database and settings: for each line read, removes what the
# learner's sequences left (their attempts, with their answers, and the study cards their
# submissions made) and sets the tables' id sequences back to the largest id left, so the next
# attempt gets the id the first one got. One line out when done.
FORGET = """
import sys
import django
django.setup()
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from quizzes.models import Attempt, ReviewCard
models = list(apps.get_app_config("quizzes").get_models())
quote = connection.ops.quote_name
for _ in sys.stdin:
    with transaction.atomic(), connection.cursor() as cursor:
        Attempt.objects.filter(user__username="stateful-learner").delete()
        ReviewCard.objects.filter(user__username="stateful-learner").delete()
        if connection.vendor == "sqlite":
            for model in models:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f"UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX({quote(pk)}), 0)"
                    f" FROM {quote(table)}) WHERE name = %s",
                    [table],
                )
        else:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    print("forgotten", flush=True)
"""


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Iterator[tuple[KzstudyServer, Exam]]:
    server = exam_server(
        tmp_path_factory.mktemp("stateful"),
        API_WRITE_RATE="100000/minute",
        ATTEMPT_WRITE_RATE="100000/minute",
    )
    exam = Exam(**json.loads(server.shell(STATEFUL_COURSE).strip().splitlines()[-1]))
    yield server, exam
    server.stop()


@pytest.fixture
def forget(api) -> Iterator[Callable[[], None]]:
    """Take the server back to where it was before the learner's first attempt (FORGET)."""
    server, _ = api
    process = subprocess.Popen(
        [sys.executable, "-c", FORGET],
        cwd=server.base_dir,
        env=server.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def forget_now() -> None:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("\n")
        process.stdin.flush()
        assert process.stdout.readline() == "forgotten\n", "FORGET failed (see its stderr)"

    yield forget_now
    stop_process(process)


def test_the_schema_links_the_attempt_flow(api):
    server, _ = api
    schema = schemathesis.openapi.from_url(f"{server.url}/api/schema/?format=json")
    raw = schema.raw_schema["paths"]
    start = raw["/api/v1/quizzes/{quiz_id}/attempts/"]["post"]["responses"]["201"]["links"]
    assert start["AnswerFirstQuestion"] == {
        "operationId": "answer_put",
        "parameters": {
            "attempt_id": "$response.body#/id",
            "question_id": "$response.body#/questions/0/id",
        },
    }
    submit = raw["/api/v1/attempts/{attempt_id}/submit/"]["post"]["responses"]["200"]["links"]
    assert submit["GetAttempt"]["parameters"] == {"attempt_id": "$request.path.attempt_id"}


def test_generated_sequences_through_the_attempt_flow_keep_the_contract(api, forget):
    server, exam = api
    schema = schemathesis.openapi.from_url(f"{server.url}/api/schema/?format=json").include(
        operation_id=FLOW
    )
    # Valid requests only: the sequences are the point here. (Negative data found the bug that
    # test_starting_an_attempt_refuses_a_body_that_is_not_an_object keeps.)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    seen: Counter[tuple[str, int]] = Counter()
    headers = {"Authorization": f"Bearer {exam.tokens[0]}"}

    class AttemptFlow(schema.as_state_machine()):
        def setup(self):
            # Each sequence starts on the same server: not only no open attempt, no attempt at
            # all, and the next one gets the same id as in every other sequence. Submitting the
            # last sequence's attempts was not enough: Hypothesis generates some ids at random
            # (the submit rule that starts a sequence, a link it chooses not to follow), and a
            # random id such as 5 named nothing (404) in a sequence run before attempt 5 existed
            # and an attempt of the learner (200, submitted again) in one run after; the 200
            # enables the rules that follow a submission, so the same choices found other rules
            # enabled and Hypothesis stopped with FlakyStrategyDefinition.
            forget()

        def get_call_kwargs(self, case):
            return {"base_url": server.url, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            seen[(case.operation.definition.raw["operationId"], response.status_code)] += 1
            # As in test_schemathesis.py: a well-formed body may still name no such choice,
            # and the right answer to that is a documented 400.
            case.validate_response(
                response, excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs
            )

    AttemptFlow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            # The same sequences in every run: left to chance, one CI run in many generated no
            # answer at all (19 attempts started, none answered) and the assertions below failed
            # on what the dice chose, not on the server.
            derandomize=True,
            # Generate only, as schemathesis runs its own stateful phase: a failing sequence is
            # reported as generated. (Since `setup` forgets the last sequence, a replay would
            # get the same answers; it is not needed.)
            phases=[Phase.generate],
        )
    )
    # The links were followed: attempts started, answered (before the submit: 200; after it:
    # 409, refused) and submitted. Which of the two answers a run reaches is up to chance.
    assert seen[("attempt_start", 201)] > 0, seen
    assert seen[("answer_put", 200)] + seen[("answer_put", 409)] > 0, seen
    assert seen[("attempt_submit", 200)] > 0, seen
    assert not [key for key in seen if key[1] >= 500], seen


@pytest.mark.parametrize("body", ["false", "0", "[]", '""'])
def test_starting_an_attempt_refuses_a_body_that_is_not_an_object(api, body):
    server, exam = api
    reply = requests.post(
        f"{server.url}/api/v1/quizzes/{exam.quiz}/attempts/",
        data=body,
        headers={"Authorization": f"Bearer {exam.tokens[0]}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 400, reply.text[:300]
