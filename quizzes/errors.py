"""Domain errors: each has a stable code; user-facing texts live in one place (as pretix does).

Each error class also says the HTTP status it answers with (`status`, 400 unless it says
otherwise): the API's exception handler and the pages both read it, so a refusal answers the
same status through every door."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .services.quiz_rules import Problem

# Every error code's text, by area; MESSAGES (at the end) joins them once, read-only, so no
# module adds to it on import and no text depends on which module was imported last.
CONTENT_MESSAGES = {
    "article_format": _("The article file is not in the expected format."),
    "article_mismatch": _("The article file does not match the article in the database."),
    "content_invalid": _("The content pack has errors."),
    "version_type_change": _("A question's type cannot change; create a new question."),
    "question_invalid": _("The question is not valid."),
}


class DomainError(Exception):
    """A rule of the domain was broken; `code` is stable, `detail` says what exactly."""

    code = "domain_error"
    status = 400

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        self.code = code or self.code
        self.detail = detail
        super().__init__(detail or str(MESSAGES.get(self.code, self.code)))

    @property
    def message(self) -> str:
        """The user-facing message, with the detail when there is one."""
        base = str(MESSAGES.get(self.code, ""))
        return f"{base} {self.detail}".strip() if base else self.detail

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries (Retry-After for a throttled write)."""
        return {}


AUTHORIZATION_MESSAGES = {
    "not_allowed": _("You may not do this: it is for the course's instructors or the owner."),
}


class NotAllowed(DomainError, PermissionDenied):
    """The actor may not make this change (a write service's check in `permissions.py` said
    no): 403 through every door. It is also Django's PermissionDenied, so a page that lets it
    through answers the site's 403 page rather than a 500."""

    code = "not_allowed"
    status = 403


class ArticleMismatch(DomainError):
    """The file's sections do not match the sections already stored."""

    code = "article_mismatch"


class ContentInvalid(DomainError):
    """A content pack failed validation; `errors` lists every problem."""

    code = "content_invalid"

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s).")


class QuestionTypeChange(DomainError):
    """A revision tried to change a question's type."""

    code = "version_type_change"


class QuestionInvalid(DomainError):
    """A question's authoring data failed its type's validation; `errors` lists why."""

    code = "question_invalid"

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


ATTEMPT_MESSAGES = {
    "not_enrolled": _("You are not a member of this course."),
    "quiz_unavailable": _("This quiz is not available in this course."),
    "quiz_not_open": _("This quiz is not open yet."),
    "quiz_closed": _("This quiz is closed."),
    "no_attempts_left": _("You have used all your attempts at this quiz."),
    "course_needed": _("Several of your courses offer this quiz: say in which one to take it."),
    "pool_too_small": _("This quiz cannot be started: a question pool has too few questions."),
    "attempt_not_found": _("No such attempt."),
    "attempt_closed": _("This attempt has been submitted; answers can no longer change."),
    "time_up": _(
        "Time is up: your attempt was submitted with the answers saved before the deadline."
    ),
    "unknown_question": _("That question is not part of this attempt."),
    "invalid_answer": _("The answer is not valid."),
    "practice_only": _("Feedback on single answers is given in practice quizzes only."),
    "already_correct": _("You have already answered this question correctly."),
    "already_checked": _("This question has been checked: its answer is final."),
    "throttled": _("Too many changes in a short time: wait a moment and try again."),
    "save_conflict": _(
        "This answer was changed from another window at the same moment; reload and try again."
    ),
}


class QuizUnavailable(DomainError):
    """The user may not start an attempt (not a member, closed, no attempts left, ...)."""

    code = "quiz_unavailable"
    status = 403


class AttemptNotFound(DomainError):
    """No such attempt for this user (another learner's attempt looks the same: 404)."""

    code = "attempt_not_found"
    status = 404


class AttemptClosed(DomainError):
    """The attempt no longer takes answers (submitted, or its time ran out)."""

    code = "attempt_closed"
    status = 409


class UnknownQuestion(DomainError):
    """The question is not in the attempt."""

    code = "unknown_question"


class InvalidAnswer(DomainError):
    """The answer does not fit the question; `detail` says why."""

    code = "invalid_answer"


class TooManyWrites(DomainError):
    """A learner writes to attempts faster than the write limit allows (answer 429)."""

    code = "throttled"
    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__()

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class SaveConflict(DomainError):
    """Two saves of the same question at the same moment: the other one won (answer 409)."""

    code = "save_conflict"
    status = 409


STUDY_MESSAGES = {
    "card_not_found": _("No such flashcard."),
    "invalid_rating": _("Choose a rating: Again, Hard, Good or Easy."),
    "invalid_duration": _("A review's time must be a whole number of milliseconds, 0 or more."),
    "nothing_to_undo": _("There is no rating to undo."),
    "invalid_study_setting": _("New cards per day must be a whole number from 0 to 9999."),
}


class CardNotFound(DomainError):
    """No such flashcard for this user (another learner's card looks the same: 404)."""

    code = "card_not_found"
    status = 404


class InvalidRating(DomainError):
    """A review rating other than 1 (again), 2 (hard), 3 (good) or 4 (easy)."""

    code = "invalid_rating"


class InvalidDuration(DomainError):
    """A review's time that is no whole number of milliseconds from 0 up."""

    code = "invalid_duration"


class NothingToUndo(DomainError):
    """No rating of this session can be undone (none left, or its card changed since)."""

    code = "nothing_to_undo"
    status = 409


class InvalidStudySetting(DomainError):
    """A flashcard setting out of its range (new cards per day: 0 to 9999)."""

    code = "invalid_study_setting"


LTI_MESSAGES = {
    "no_roster": _(
        "This course has no roster from a platform: it was not launched over LTI with Names "
        "and Role Provisioning."
    ),
    "platform_unavailable": _("The course platform did not answer as expected; try again later."),
}


class RosterUnavailable(DomainError):
    """The course has no platform roster (a standalone course, or no NRPS claim yet)."""

    code = "no_roster"
    status = 409


class PlatformUnavailable(DomainError):
    """A call to the course platform failed; `detail` says how."""

    code = "platform_unavailable"
    status = 502


BUILDING_MESSAGES = {
    "question_not_copyable": _(
        "You can copy a question only into a course you teach, and only from that course's "
        "bank or the shared bank of its article."
    ),
    "quiz_invalid": _("The quiz has errors."),
    "marks_overflow": _(
        "This quiz cannot be started: its marks add up to more than an attempt can hold."
    ),
    "quiz_not_editable": _(
        "Only the instructors of a quiz's course may change it; shared quizzes are the "
        "site admins'. Duplicate a shared quiz into your course to change it."
    ),
    "import_invalid": _("The file has errors; nothing was imported."),
    "import_file_rejected": _("The file cannot be read; nothing was imported."),
    "token_invalid": _("The token request was refused."),
}


class QuestionNotCopyable(NotAllowed):
    """The user may not copy this question into this course."""

    code = "question_not_copyable"


class QuizInvalid(DomainError):
    """A quiz's rules or slots break the builder's rules; `problems` lists each one."""

    code = "quiz_invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in problems))


class QuizNotEditable(NotAllowed):
    """The user may not change this quiz (a shared quiz, or another course's)."""

    code = "quiz_not_editable"


# A file of a thousand broken questions has thousands of errors; a page listing them all helps
# nobody, and an error quoting a 20,000-character text neither.
MAX_ERRORS_LISTED = 100
MAX_ERROR_CHARS = 300


class ImportInvalid(DomainError):
    """An import file failed validation.

    `count` is how many problems were found; `errors` lists them with their place, the first
    MAX_ERRORS_LISTED of them (each cut to MAX_ERROR_CHARS), then a line saying how many more.
    """

    code = "import_invalid"

    def __init__(self, errors: list[str], *, code: str | None = None) -> None:
        self.count = len(errors)
        self.errors = [_shortened(error) for error in errors[:MAX_ERRORS_LISTED]]
        if self.count > MAX_ERRORS_LISTED:
            self.errors.append(f"... and {self.count - MAX_ERRORS_LISTED:,} more.")
        super().__init__(f"{self.count} error(s).", code=code)


def _shortened(error: str) -> str:
    return error if len(error) <= MAX_ERROR_CHARS else error[: MAX_ERROR_CHARS - 3] + "..."


class TokenInvalid(DomainError):
    """A token request was refused (empty name, unknown scope or lifetime, unknown token)."""

    code = "token_invalid"


PROTECTION_MESSAGES = {
    "feedback_withheld": _(
        "This question is also in a graded quiz you have yet to take, so it gets no feedback "
        "until that quiz is closed to you. Save your answer instead: it counts when you submit."
    ),
    "practice_withheld": _(
        "This practice quiz cannot be started now: all its questions are kept for a graded quiz "
        "you have yet to take."
    ),
}

MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        **AUTHORIZATION_MESSAGES,
        **CONTENT_MESSAGES,
        **ATTEMPT_MESSAGES,
        **STUDY_MESSAGES,
        **LTI_MESSAGES,
        **BUILDING_MESSAGES,
        **PROTECTION_MESSAGES,
    }
)
