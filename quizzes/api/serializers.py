"""API input and output shapes. Outputs document what presenters build; inputs validate."""

from __future__ import annotations

from rest_framework import serializers

from ..models import GradingMethod
from ..qtypes import registry

# Ids are 64-bit: a bigger number cannot name anything and must not reach the database.
MAX_ID = 2**63 - 1


class OptionSerializer(serializers.Serializer):
    """A choice, a matching side or an ordering item: an opaque id and its text."""

    id = serializers.CharField()
    text = serializers.CharField()


class PracticeFeedbackSerializer(serializers.Serializer):
    """Feedback after a practice check (the key itself is not included)."""

    state = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField(allow_blank=True)


class ReviewSerializer(serializers.Serializer):
    """The review of one question after submission, as the quiz's policy allows."""

    state = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_mark = serializers.DecimalField(max_digits=6, decimal_places=2)
    correct = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField(allow_blank=True)
    source_quote = serializers.CharField(allow_blank=True)
    feedback = serializers.ListField(child=serializers.CharField())


class QuestionSerializer(serializers.Serializer):
    """A question of an attempt: what is needed to answer it, and nothing of the key."""

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    type = serializers.ChoiceField(choices=registry.all_keys())
    stem = serializers.CharField()
    choices = OptionSerializer(many=True, required=False)
    left = OptionSerializer(many=True, required=False)
    right = OptionSerializer(many=True, required=False)
    items = OptionSerializer(many=True, required=False)
    unit = serializers.CharField(required=False)
    answer = serializers.JSONField(allow_null=True)
    answer_state = serializers.ChoiceField(
        choices=["unanswered", "incomplete", "answered"],
        help_text="Whether the answer given is complete (incomplete: a matching with pairs "
        "left open); never whether it is right.",
    )
    flagged = serializers.BooleanField()
    feedback = PracticeFeedbackSerializer(required=False)
    review = ReviewSerializer(required=False)


class ResultSerializer(serializers.Serializer):
    """The result of a submitted attempt."""

    id = serializers.IntegerField()
    state = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Null when no question of the attempt carries a mark.",
    )
    passed = serializers.BooleanField()


GRADE_NOTICE_KINDS = ["regrade", "override", "withdrawn", "question"]


class GradeNoticeSerializer(serializers.Serializer):
    """A change to a submitted attempt's grade: a regrade, a grade given or withdrawn by hand,
    or one question's mark given by hand (`question`: its position)."""

    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=GRADE_NOTICE_KINDS)
    old_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    new_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    question = serializers.IntegerField(allow_null=True)


class AttemptSerializer(serializers.Serializer):
    """An attempt with its questions; after submission also its result and review."""

    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    course = serializers.IntegerField()
    number = serializers.IntegerField()
    mode = serializers.CharField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    questions = QuestionSerializer(many=True)
    score = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="After submission; null when no question of the attempt carries a mark.",
    )
    passed = serializers.BooleanField(required=False)
    review_available = serializers.BooleanField(required=False)
    grade_notices = GradeNoticeSerializer(
        many=True,
        required=False,
        help_text="After submission: what changed the grade since, oldest first (as the "
        "review page's notices).",
    )


class AttemptSummarySerializer(serializers.Serializer):
    """An attempt in a list."""

    id = serializers.IntegerField()
    quiz = serializers.IntegerField(source="quiz_id")
    course = serializers.IntegerField(source="course_id")
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class StartInputSerializer(serializers.Serializer):
    """Which course to take the quiz in (needed only when several of yours offer it)."""

    course = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class StrictInputSerializer(serializers.Serializer):
    """An input whose unknown fields are refused rather than ignored, so a misspelt field
    never passes for a saved one."""

    def validate(self, attrs: dict) -> dict:
        """Refuse fields this input does not define."""
        unknown = sorted(str(name) for name in set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["Unknown field."]})
        return attrs


ANSWER_HELP = (
    '{"choice": id} · {"choices": [id]} · {"value": true} · {"text": "..."} · '
    '{"value": 12.5} · {"pairs": {"<left id>": "<right id>"}} · {"order": [id]} · null clears'
)


class AnswerInputSerializer(StrictInputSerializer):
    """An answer in the question type's shape, and the question's flag; either may be left
    out (a flag alone leaves the answer as it is)."""

    answer = serializers.JSONField(allow_null=True, required=False, help_text=ANSWER_HELP)
    flagged = serializers.BooleanField(required=False)

    def validate(self, attrs: dict) -> dict:
        """Unknown fields are refused, and so is a body with neither an answer nor a flag."""
        attrs = super().validate(attrs)
        if not attrs:
            raise serializers.ValidationError({"answer": ["Give an answer, a flag or both."]})
        return attrs


class CheckInputSerializer(StrictInputSerializer):
    """The answer to check now (practice quizzes)."""

    answer = serializers.JSONField(allow_null=True, help_text=ANSWER_HELP)


class SavedAnswerSerializer(serializers.Serializer):
    """A saved answer."""

    question = serializers.IntegerField()
    state = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    flagged = serializers.BooleanField()
    saved_at = serializers.DateTimeField()


class CourseRefSerializer(serializers.Serializer):
    """A course, briefly."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class QuizSerializer(serializers.Serializer):
    """A quiz the user can take, in one of their courses."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    mode = serializers.CharField()
    layout = serializers.CharField()
    section = serializers.CharField(allow_null=True, source="section_slug")
    question_count = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    max_attempts = serializers.IntegerField(allow_null=True)
    pass_mark = serializers.DecimalField(max_digits=5, decimal_places=2)
    grading_method = serializers.ChoiceField(
        choices=GradingMethod.choices,
        read_only=True,
        help_text="Which submitted attempts make the learner's quiz grade (as Moodle's).",
    )
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    course = CourseRefSerializer()
    attempts_used = serializers.IntegerField()


class MeSerializer(serializers.Serializer):
    """The signed-in user, their courses and roles."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    is_site_admin = serializers.BooleanField()
    courses = serializers.ListField(child=serializers.DictField())
    current_course = CourseRefSerializer(allow_null=True)


class QuizFilterSerializer(serializers.Serializer):
    """Filters and ordering of the quiz list (query parameters)."""

    course = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    mode = serializers.ChoiceField(choices=["practice", "graded"], required=False)
    ordering = serializers.ChoiceField(choices=["title", "-title"], required=False)


class AttemptFilterSerializer(serializers.Serializer):
    """Filters and ordering of the attempt list (query parameters)."""

    quiz = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    course = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    state = serializers.ChoiceField(choices=["in_progress", "submitted"], required=False)
    ordering = serializers.ChoiceField(
        choices=["started_at", "-started_at", "score", "-score"], required=False
    )
