"""Domain errors: each has a stable code; user-facing texts live in one place (as pretix does)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "article_format": _("The article file is not in the expected format."),
    "article_mismatch": _("The article file does not match the article in the database."),
    "content_invalid": _("The content pack has errors."),
    "version_type_change": _("A question's type cannot change; create a new question."),
    "question_invalid": _("The question is not valid."),
}


class DomainError(Exception):
    """A rule of the domain was broken; `code` is stable, `detail` says what exactly."""

    code = "domain_error"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        self.code = code or self.code
        self.detail = detail
        super().__init__(detail or str(MESSAGES.get(self.code, self.code)))

    @property
    def message(self) -> str:
        """The user-facing message, with the detail when there is one."""
        base = str(MESSAGES.get(self.code, ""))
        return f"{base} {self.detail}".strip() if base else self.detail


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
