"""Regrading a quiz's submitted attempts after a key is fixed (after Moodle's regrade)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from ..errors import DomainError
from ..lti.outbox import enqueue_for_attempts
from ..models import (
    Attempt,
    AttemptState,
    Course,
    QuestionVersion,
    Quiz,
    QuizMode,
    Regrade,
    Response,
    ResponseState,
    ResponseStep,
    ScoreReason,
    StepKind,
)
from ..qtypes import InvalidResponse, registry

CENT = Decimal("0.01")


class RegradeRefused(DomainError):
    """The quiz cannot be regraded (practice quizzes keep their per-try penalties)."""

    code = "regrade_refused"


@dataclass
class ResponseChange:
    """A response whose grade a regrade changes."""

    response: Response
    version: QuestionVersion
    fraction: Decimal
    score: Decimal
    state: str


@dataclass
class AttemptChange:
    """One attempt's score before and after the regrade."""

    attempt: Attempt
    old_score: Decimal
    new_score: Decimal
    responses: list[ResponseChange]

    @property
    def changed(self) -> bool:
        return self.old_score != self.new_score or bool(self.responses)


def _target_version(response: Response) -> QuestionVersion:
    """The question's newest version when the answer carries over to it, else the one shown.

    An answer carries over when it still names only choices of the new version (keys of
    unchanged texts are kept across versions).
    """
    newest = response.question.current_version
    shown = response.question_version
    if newest is None or newest.pk == shown.pk or newest.qtype != shown.qtype:
        return shown
    if response.answer is None:
        return newest
    try:
        registry.get(newest.qtype).normalize_response(newest.payload, response.answer)
    except InvalidResponse:
        return shown
    return newest


def regrade_plan(*, quiz: Quiz, course: Course | None) -> list[AttemptChange]:
    """What a regrade would change, attempt by attempt (nothing is written)."""
    if quiz.mode == QuizMode.PRACTICE:
        raise RegradeRefused("Practice quizzes are not regraded.")
    attempts = Attempt.objects.filter(quiz=quiz, state=AttemptState.SUBMITTED).select_related(
        "user"
    )
    if course is not None:
        attempts = attempts.filter(course=course)
    attempts = list(attempts.order_by("pk"))
    responses: dict[int, list[Response]] = {}
    for response in Response.objects.filter(attempt__in=attempts).select_related(
        "question_version", "question__current_version"
    ):
        responses.setdefault(response.attempt_id, []).append(response)
    plan = []
    for attempt in attempts:
        changes, total = [], Decimal(0)
        for response in responses.get(attempt.pk, []):
            version = _target_version(response)
            grade = registry.get(version.qtype).grade(version.payload, response.answer)
            score = (response.max_mark * grade.fraction).quantize(CENT)
            total += score
            if version.pk != response.question_version_id or grade.fraction != response.fraction:
                changes.append(
                    ResponseChange(response, version, grade.fraction, score, grade.state.value)
                )
        new_score = min(total, attempt.max_score)
        plan.append(AttemptChange(attempt, attempt.score, new_score, changes))
    return plan


def quiz_regrade(*, quiz: Quiz, course: Course | None, actor: AbstractBaseUser) -> Regrade:
    """Apply a regrade: new REGRADE steps, updated scores and a Regrade record of who and when.

    Old steps are never changed, so the history still shows every earlier grade.
    """
    with transaction.atomic():
        # Lock the quiz's attempts so no submission or second regrade interleaves.
        list(Attempt.objects.select_for_update().filter(quiz=quiz).values_list("pk", flat=True))
        plan = regrade_plan(quiz=quiz, course=course)
        regrade = Regrade.objects.create(
            quiz=quiz,
            created_by=actor,
            attempt_count=len(plan),
            changed_count=sum(1 for change in plan if change.old_score != change.new_score),
            changes=[
                {
                    "attempt": c.attempt.pk,
                    "learner": c.attempt.user.get_username(),
                    "old_score": str(c.old_score),
                    "new_score": str(c.new_score),
                }
                for c in plan
                if c.changed
            ],
        )
        _write_changes(plan, regrade, actor)
    return regrade


def _write_changes(plan: list[AttemptChange], regrade: Regrade, actor: AbstractBaseUser) -> None:
    changed = [rc for change in plan for rc in change.responses]
    last_seq = dict(
        ResponseStep.objects.filter(response__in=[rc.response for rc in changed])
        .values_list("response")
        .annotate(last=Max("seq"))
    )
    steps = []
    for rc in changed:
        response = rc.response
        steps.append(
            ResponseStep(
                response=response,
                seq=last_seq.get(response.pk, 0) + 1,
                kind=StepKind.REGRADE,
                state=ResponseState(rc.state),
                fraction=rc.fraction,
                actor=actor,
                data={
                    "regrade": regrade.pk,
                    "from_version": response.question_version_id,
                    "to_version": rc.version.pk,
                    "old_fraction": str(response.fraction),
                },
            )
        )
        response.question_version = rc.version
        response.fraction, response.score, response.state = rc.fraction, rc.score, rc.state
    ResponseStep.objects.bulk_create(steps)
    Response.objects.bulk_update(
        [rc.response for rc in changed], ["question_version", "fraction", "score", "state"]
    )
    attempts = [c.attempt for c in plan if c.old_score != c.new_score]
    for change in plan:
        change.attempt.score = change.new_score
    Attempt.objects.bulk_update(attempts, ["score"])
    # Changed grades go back to the platforms in this same transaction (the LTI outbox).
    enqueue_for_attempts(attempts, reason=ScoreReason.REGRADE)
