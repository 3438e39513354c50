"""What every behaviour provides (after Moodle's qbehaviour_*), and the replay of steps.

A question type says what a question is and grades an answer (`qtypes`). A behaviour says how
the learner interacts with it: whether Check is allowed, what a check step leaves, what a
wrong try costs, what submitting does with a checked or an unchecked answer. A type never knows
which behaviour is in use, and a behaviour never reads the database: the services ask it and
write what it answers, and a regrade replays a response's steps through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar, Protocol

from ..models import ResponseState, StepKind
from ..qtypes import Grade, registry

# The states a graded check leaves: a response in one of them has a verdict already.
CHECKED = frozenset({ResponseState.CORRECT, ResponseState.PARTIAL, ResponseState.WRONG})


@dataclass(frozen=True)
class Mark:
    """A response's state and fraction as a behaviour leaves them (fraction None: ungraded)."""

    state: ResponseState
    fraction: Decimal | None


@dataclass(frozen=True)
class Replayed:
    """A response's steps replayed: `mark` is the final one (a mark given by hand wins),
    `automatic` the one the behaviour and the grader give alone."""

    mark: Mark
    automatic: Mark
    is_by_hand: bool
    wrong_tries: int


class StepLike(Protocol):
    """What a replay reads of a step: a ResponseStep row fits."""

    kind: str
    data: Mapping[str, Any]
    state: str
    fraction: Decimal | None


class VersionLike(Protocol):
    """What a replay reads of a question version: a QuestionVersion row fits."""

    qtype: str
    payload: Mapping[str, Any]


def mark_of(grade: Grade, fraction: Decimal | None = None) -> Mark:
    """A grader's verdict as a mark, with `fraction` in place of its own when given."""
    return Mark(ResponseState(grade.state.value), grade.fraction if fraction is None else fraction)


class Behaviour:
    """Deferred feedback unless a subclass says otherwise: no Check, graded at submit."""

    key: ClassVar[str]
    # Whether the learner may ask for a verdict on one answer during the attempt; a behaviour
    # that gives one shows its feedback right after the check.
    can_check: ClassVar[bool] = False
    shows_feedback_after_check: ClassVar[bool] = False
    # Whether wrong checks cost marks, so a submission must count them.
    counts_wrong_tries: ClassVar[bool] = False

    @property
    def gives_feedback_during_attempt(self) -> bool:
        """Whether answers get verdicts before the attempt ends (so exam keys could leak)."""
        return self.can_check and self.shows_feedback_after_check

    def refuses_change(self, state: str) -> str | None:
        """The error code refusing a new answer to a response in `state` (None: allowed)."""
        return None

    def refuses_check(self, state: str) -> str | None:
        """The error code refusing a check of a response in `state` (None: allowed)."""
        return None if self.can_check else "practice_only"

    def penalised(self, fraction: Decimal, wrong_tries: int) -> Decimal:
        """What a grade's fraction is worth after `wrong_tries` wrong checks."""
        return fraction

    def after_check(self, grade: Grade, wrong_tries_before: int) -> Mark:
        """The response's mark after a check graded `grade`, with the wrong tries before it."""
        return mark_of(grade, self.penalised(grade.fraction, wrong_tries_before))

    def at_submit(self, current: Mark, grade: Callable[[], Grade], wrong_tries: int) -> Mark:
        """The final mark at submission: a checked answer keeps its verdict; any other is
        graded now (`grade` is called only then), with the cost of the wrong tries before it,
        so saving the last try instead of checking it does not escape the penalty."""
        if self.can_check and current.state in CHECKED:
            return current
        verdict = grade()
        return mark_of(verdict, self.penalised(verdict.fraction, wrong_tries))

    def replay(self, steps: Iterable[StepLike], version: VersionLike) -> Replayed:
        """Run a response's steps again through this behaviour with `version`'s grader.

        SAVE, CHECK and SUBMIT steps are the learner's actions and are graded again; a step
        the behaviour would refuse now (a later try once an earlier one is right) is dropped,
        as Moodle's replay discards it. A MANUAL_GRADE step's mark wins over the replay, and
        REGRADE and COMMENT steps are outcomes, not actions: they change nothing.
        """
        qtype = registry.get(version.qtype)

        def grade(answer: Any) -> Grade:
            return qtype.grade(version.payload, answer)

        answer: Any = None
        mark, wrong, by_hand = Mark(ResponseState.UNANSWERED, None), 0, None
        for step in steps:
            if step.kind in (StepKind.SAVE, StepKind.CHECK):
                new = step.data.get("answer")
                if new != answer and not self.refuses_change(mark.state):
                    answer = new
                    mark = Mark(ResponseState.of_saved_answer(version, new), None)
            if step.kind == StepKind.CHECK and answer is not None:
                if self.refuses_check(mark.state):
                    continue
                verdict = grade(answer)
                mark = self.after_check(verdict, wrong)
                wrong += verdict.state.value != ResponseState.CORRECT
            elif step.kind == StepKind.SUBMIT:
                mark = self.at_submit(mark, partial(grade, answer), wrong)
            elif step.kind == StepKind.MANUAL_GRADE:
                by_hand = Mark(ResponseState(step.state), step.fraction)
        return Replayed(
            mark=by_hand or mark, automatic=mark, is_by_hand=by_hand is not None, wrong_tries=wrong
        )
