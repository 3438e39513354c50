"""Two grade workers on PostgreSQL claim from one outbox at the same moment: each takes scores
the other does not hold, and neither takes the other's claim for "nothing is due".

Every score of a placement shares its link (and the link its platform). A claim that locked
those shared rows too made the second worker skip every score while the first held its claim;
its sweep then ended early, and a pair of `lti_worker --once` processes could leave most of a
class's grades unsent (tests/lti/test_worker_processes.py, seen red in CI on 2026-12-03).

PostgreSQL only (the `postgresql` marker): SQLite has no row locks; its writers take turns."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction

from quizzes import clock
from quizzes.lti.outbox import _claim
from quizzes.models import Course, LtiIdentity, LtiPlatform, LtiResourceLink, LtiScore

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

ISSUER = "https://lms.example.edu"


def _grades_of_one_placement(count: int) -> list[int]:
    platform = LtiPlatform.objects.create(
        issuer=ISSUER,
        client_id="client-1",
        auth_login_url=f"{ISSUER}/auth",
        auth_token_url=f"{ISSUER}/token",
        key_set_url=f"{ISSUER}/jwks",
    )
    course = Course.objects.create(title="C", slug="c", lti_issuer=ISSUER, lti_context_id="ctx")
    link = LtiResourceLink.objects.create(
        platform=platform, resource_link_id="link-1", course=course, target="quiz:1"
    )
    now = clock.now()
    scores = []
    for n in range(count):
        user = get_user_model().objects.create_user(username=f"learner{n}")
        identity = LtiIdentity.objects.create(issuer=ISSUER, sub=f"sub-{n}", user=user)
        scores.append(
            LtiScore.objects.create(
                link=link,
                identity=identity,
                reason="submit",
                score_given=n,
                next_try_at=now,
                created_at=now,
            ).pk
        )
    return scores


def test_a_second_grade_worker_claims_while_the_first_still_holds_its_claim():
    scores = _grades_of_one_placement(6)
    claimed, release = threading.Event(), threading.Event()
    first_claim: list[int] = []

    def first_worker() -> None:
        try:
            with transaction.atomic():
                first_claim.extend(score.pk for score in _claim(3))
                claimed.set()
                release.wait(10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert claimed.wait(10)
        second_claim = [score.pk for score in _claim(3)]
    finally:
        release.set()
        worker.join(10)

    assert sorted(first_claim + second_claim) == scores
