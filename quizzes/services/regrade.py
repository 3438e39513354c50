"""Regrading a quiz's attempts once a key is fixed (after Moodle's regrade): each response's
steps are replayed through the quiz's behaviour with the grader of the version it moves to.

Nothing is rewritten: a changed response gets a REGRADE step, the regrade a Regrade record of
who and when, and every changed score makes the learner's quiz grade again in the same
transaction (`quiz_grades`, whose signal the LTI outbox listens to). Marks and grades given by
hand stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from .. import behaviours
from ..behaviours import Behaviour
from ..models import (
    Attempt,
    AttemptGradeOverride,
    AttemptState,
    Course,
    GradeReason,
    QuestionVersion,
    Quiz,
    Regrade,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..qtypes import InvalidResponse, registry
from .authorization import require_quiz_editor, require_teacher
from .quiz_grades import refresh_quiz_grades

CENT = Decimal("0.01")


@dataclass
class ResponseChange:
    """A response whose grade a regrade changes: its question, the version it moves to, and
    its mark before and after."""

    response: Response
    version: QuestionVersion
    fraction: Decimal
    score: Decimal
    state: str
    # The checks the replay found wrong under the new key (each costs when tries count).
    wrong_tries: int = 0

    @property
    def old_mark(self) -> Decimal | None:
        return self.response.score

    @property
    def new_mark(self) -> Decimal:
        return self.score

    @property
    def moves_version(self) -> bool:
        return self.version.pk != self.response.question_version_id


@dataclass
class AttemptChange:
    """One attempt's score before and after the regrade, question by question."""

    attempt: Attempt
    old_score: Decimal
    new_score: Decimal
    responses: list[ResponseChange]
    # Responses the regrade would change but leaves alone: their mark was given by hand.
    kept: list[Response] = field(default_factory=list)
    # The attempt's grade was given by hand: it stands whatever the questions' marks become.
    grade_kept: bool = False

    @property
    def changed(self) -> bool:
        return self.old_score != self.new_score or bool(self.responses)


def _target_version(
    response: Response, steps: Sequence[ResponseStep], behaviour: Behaviour
) -> QuestionVersion:
    """The question's newest version when the answers carry over to it, else the one shown.

    An answer carries over when it still names only choices of the new version (keys of
    unchanged texts are kept across versions). The answers that count are the final one and,
    when the behaviour grades each check, every checked try: a replay grades them all.
    """
    newest = response.question.current_version
    shown = response.question_version
    if newest is None or newest.pk == shown.pk or newest.qtype != shown.qtype:
        return shown
    answers = [response.answer]
    if behaviour.can_check:
        answers += [s.data.get("answer") for s in steps if s.kind == StepKind.CHECK]
    qtype = registry.get(newest.qtype)
    for answer in answers:
        if answer is None:
            continue
        try:
            qtype.normalize_response(newest.payload, answer)
        except InvalidResponse:
            return shown
    return newest


def _history(response: Response, steps: list[ResponseStep]) -> Sequence[object]:
    """The steps a replay runs: the response's own, or, for a response submitted without
    any (rows written before steps were), its answer saved then submitted."""
    if any(step.kind == StepKind.SUBMIT for step in steps):
        return steps
    saved = SimpleNamespace(kind=StepKind.SAVE, data={"answer": response.answer})
    return [*steps, saved, SimpleNamespace(kind=StepKind.SUBMIT, data={})]


def _steps_by_response(attempts: list[Attempt]) -> dict[int, list[ResponseStep]]:
    """Every step of the attempts' responses, in order, by response (one query)."""
    steps: dict[int, list[ResponseStep]] = {}
    for step in ResponseStep.objects.filter(response__attempt__in=attempts).order_by(
        "response_id", "seq"
    ):
        steps.setdefault(step.response_id, []).append(step)
    return steps


def grade_overrides(attempt_ids: list[int]) -> dict[int, AttemptGradeOverride]:
    """The grade given by hand in force for each attempt that has one (one query)."""
    latest: dict[int, AttemptGradeOverride] = {}
    for row in AttemptGradeOverride.objects.filter(attempt_id__in=attempt_ids).order_by(
        "created_at", "pk"
    ):
        latest[row.attempt_id] = row
    return {pk: row for pk, row in latest.items() if row.score is not None}


def regrade_plan(*, quiz: Quiz, course: Course | None) -> list[AttemptChange]:
    """What a regrade would change, attempt by attempt and question by question (nothing is
    written): each response's steps replayed through the quiz's behaviour with the version it
    moves to, so a practice try that is right under the new key counts as right, with only
    the wrong tries before it taken off. Marks and grades given by hand stand: the plan
    lists them as kept."""
    behaviour = behaviours.for_quiz(quiz)
    attempts = Attempt.objects.filter(quiz=quiz, state=AttemptState.SUBMITTED).select_related(
        "user"
    )
    if course is not None:
        attempts = attempts.filter(course=course)
    attempts = list(attempts.order_by("pk"))
    responses: dict[int, list[Response]] = {}
    for response in (
        Response.objects.filter(attempt__in=attempts)
        .select_related("question_version", "question__current_version")
        .order_by("position")
    ):
        responses.setdefault(response.attempt_id, []).append(response)
    steps = _steps_by_response(attempts)
    overrides = grade_overrides([a.pk for a in attempts])
    plan = []
    for attempt in attempts:
        change = AttemptChange(attempt, attempt.score, attempt.score, [])
        total = Decimal(0)
        for response in responses.get(attempt.pk, []):
            total += _plan_response(change, response, steps.get(response.pk, []), behaviour)
        if attempt.pk in overrides:
            change.grade_kept = True
        else:
            change.new_score = min(total, attempt.max_score)
        plan.append(change)
    return plan


def _plan_response(
    change: AttemptChange, response: Response, steps: list[ResponseStep], behaviour: Behaviour
) -> Decimal:
    """Replay one response into the attempt's change; returns its mark after the regrade."""
    version = _target_version(response, steps, behaviour)
    replayed = behaviour.replay(_history(response, steps), version)
    fraction = replayed.automatic.fraction or Decimal(0)
    score = (response.max_mark * fraction).quantize(CENT)
    differs = version.pk != response.question_version_id or fraction != response.fraction
    if differs and replayed.is_by_hand:
        change.kept.append(response)
        return response.score or Decimal(0)
    if differs:
        change.responses.append(
            ResponseChange(
                response,
                version,
                fraction,
                score,
                replayed.automatic.state.value,
                replayed.wrong_tries,
            )
        )
    return score


def quiz_regrade(*, quiz: Quiz, course: Course | None, actor: AbstractBaseUser) -> Regrade:
    """Apply a regrade: new REGRADE steps, updated scores and a Regrade record of who and when.

    Old steps are never changed, so the history still shows every earlier grade. NotAllowed
    unless the actor teaches the course (every course offering the quiz, when None: the
    quiz's owners).
    """
    if course is not None:
        require_teacher(actor, course, what="regrade its attempts")
    else:
        require_quiz_editor(actor, quiz, what="regrade it in every course")
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
        _write_changes(quiz, plan, regrade, actor)
    return regrade


def next_seqs(responses: list[Response]) -> dict[int, int]:
    """The next free step number of each response (one query)."""
    last = dict(
        ResponseStep.objects.filter(response__in=responses)
        .values_list("response")
        .annotate(last=Max("seq"))
    )
    return {response.pk: last.get(response.pk, 0) + 1 for response in responses}


def _write_changes(
    quiz: Quiz, plan: list[AttemptChange], regrade: Regrade, actor: AbstractBaseUser
) -> None:
    """Append a REGRADE step to each changed response, store the new marks and scores, and
    the quiz grades of the learners whose scores changed."""
    behaviour = behaviours.for_quiz(quiz)
    changed = [rc for change in plan for rc in change.responses]
    seqs = next_seqs([rc.response for rc in changed])
    steps = []
    for rc in changed:
        response = rc.response
        steps.append(
            ResponseStep(
                response=response,
                seq=seqs[response.pk],
                kind=StepKind.REGRADE,
                state=ResponseState(rc.state),
                fraction=rc.fraction,
                actor=actor,
                data={
                    "regrade": regrade.pk,
                    "from_version": response.question_version_id,
                    "to_version": rc.version.pk,
                    "old_fraction": str(response.fraction),
                    "behaviour": behaviour.key,
                    "wrong_tries": rc.wrong_tries,
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
    # The quiz grades of the learners whose scores changed, in this same transaction.
    refresh_quiz_grades(quiz=quiz, reason=GradeReason.REGRADE, attempts=attempts)
