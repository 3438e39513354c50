"""Models, split by domain and re-exported here (as pretix does)."""

from .api import ApiToken
from .attempts import (
    Attempt,
    AttemptState,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from .bank import BloomLevel, ImmutableVersionError, Question, QuestionStatus, QuestionVersion
from .content import Article, Concept, Footnote, Paragraph, ParagraphKind, Section, Summary
from .delivery import (
    Course,
    CourseRole,
    Enrolment,
    Quiz,
    QuizLayout,
    QuizMode,
    QuizSlot,
    ReviewTiming,
    SlotKind,
)
from .grading import Regrade
from .study import CardKind, CardState, ReviewCard, ReviewLog

__all__ = [
    "ApiToken",
    "Article",
    "Attempt",
    "AttemptState",
    "BloomLevel",
    "CardKind",
    "CardState",
    "Concept",
    "Course",
    "CourseRole",
    "Enrolment",
    "Footnote",
    "ImmutableVersionError",
    "Paragraph",
    "ParagraphKind",
    "Question",
    "QuestionStatus",
    "QuestionVersion",
    "Quiz",
    "QuizLayout",
    "QuizMode",
    "QuizSlot",
    "Regrade",
    "Response",
    "ResponseState",
    "ResponseStep",
    "ReviewCard",
    "ReviewLog",
    "ReviewTiming",
    "Section",
    "SlotKind",
    "StepKind",
    "Summary",
]
