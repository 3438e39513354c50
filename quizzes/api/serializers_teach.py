"""API shapes for instructors: questions with their keys, bank files, results, item analysis,
gradebook, accommodations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kzstudy.nul_guard import has_nul

from ..exchange import FORMATS, MAX_ITEMS, MAX_UPLOAD_BYTES
from ..models import BloomLevel, Concept, Question, QuestionStatus, Section
from ..models.accommodations import MAX_TIME_MULTIPLIER
from ..qtypes import registry
from ..qtypes.text_limits import EXPLANATION_MAX, SOURCE_QUOTE_MAX, STEM_MAX
from ..services.accommodations import MAX_EXTRA_ATTEMPTS, MAX_EXTRA_MINUTES
from ..tagging import MAX_TAG_LENGTH, MAX_TAGS, parse_tags

# Documented as a pattern, so clients (and schemathesis) know a NUL character is refused.
NO_NUL = RegexValidator(r"^[^\x00]*$", message="Text may not contain NUL characters.")
QUESTION_ORDERINGS = {
    "section": ("section__position", "key", "pk"),
    "key": ("key", "pk"),
    "-key": ("-key", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
DATA_HELP = (
    "The type's authoring fields, as in content packs. single_choice / multiple_response: "
    '{"choices": [{"text", "correct", "feedback"}]}; true_false: {"answer": true, "feedback"}; '
    'short_answer: {"accepted": ["..."]}; numeric: {"answer": 1995, "tolerance": 0, "unit"}; '
    'matching: {"pairs": [{"left", "right"}], "distractors": ["..."]}; '
    'ordering: {"items": ["first", "second", "..."]}.'
)


class QuestionFilterSerializer(serializers.Serializer):
    """Filters and order of the course's question list (query parameters)."""

    section = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        validators=[NO_NUL],
        help_text="A section slug of the course's article; an unknown slug matches nothing.",
    )
    type = serializers.ChoiceField(choices=registry.all_keys(), required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=QuestionStatus.values, required=False, allow_blank=True
    )
    owner = serializers.ChoiceField(
        choices=["course", "shared"],
        required=False,
        allow_blank=True,
        help_text="course: the course's own bank; shared: the shared bank of its article.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        validators=[NO_NUL],
        help_text="Words in the stem, or part of the key.",
    )
    tag = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TAG_LENGTH,
        validators=[NO_NUL],
        help_text="Only questions with this tag (such as exam); an unknown tag matches nothing.",
    )
    ordering = serializers.ChoiceField(
        choices=list(QUESTION_ORDERINGS), required=False, default="section"
    )


class QuestionSummarySerializer(serializers.Serializer):
    """A question in the course's list (without its key)."""

    id = serializers.IntegerField()
    key = serializers.CharField(allow_null=True, help_text="The content pack's stable id.")
    type = serializers.ChoiceField(choices=registry.all_keys(), source="qtype")
    status = serializers.ChoiceField(choices=QuestionStatus.values)
    section = serializers.CharField(source="section.slug")
    difficulty = serializers.IntegerField(min_value=1, max_value=3)
    bloom = serializers.ChoiceField(choices=BloomLevel.values, source="bloom_level")
    shared = serializers.SerializerMethodField(help_text="From the shared bank: read-only here.")
    version = serializers.IntegerField(source="current_version.number")
    stem = serializers.CharField(source="current_version.stem")
    updated_at = serializers.DateTimeField()

    def get_shared(self, question: Question) -> bool:
        """Whether the question is in the shared bank."""
        return question.course_id is None


class QuestionDetailSerializer(QuestionSummarySerializer):
    """A question with its answer key: the current version's authoring data."""

    concepts = serializers.SerializerMethodField(help_text="Concept slugs.")
    tags = serializers.SerializerMethodField(
        help_text="Tag names (bank metadata: a quiz pool may draw only the questions with a tag)."
    )
    explanation = serializers.CharField(source="current_version.explanation", allow_blank=True)
    source_quote = serializers.CharField(source="current_version.source_quote", allow_blank=True)
    data = serializers.SerializerMethodField(help_text=DATA_HELP)
    can_edit = serializers.SerializerMethodField(help_text="Whether you may change it.")

    @extend_schema_field(serializers.DictField())
    def get_data(self, question: Question) -> dict[str, Any]:
        """The current version's authoring fields, key included."""
        version = question.current_version
        return version.type.authoring_data(version.payload)

    def get_concepts(self, question: Question) -> list[str]:
        """The slugs of the concepts the question tests."""
        return [concept.slug for concept in question.concepts.all()]

    def get_tags(self, question: Question) -> list[str]:
        """The question's tag names, in order."""
        return sorted(tag.name for tag in question.tags.all())

    def get_can_edit(self, question: Question) -> bool:
        """Whether the requesting user may edit it (the view decides and passes it)."""
        return bool(self.context.get("can_edit"))


class SlugRefField(serializers.SlugRelatedField):
    """An object named by its slug. Anything but a string is refused before the query (a list
    nested hundreds deep overflowed Django's lookup: a 500), and so is a NUL, which PostgreSQL
    would fail on."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class QuestionInputSerializer(serializers.Serializer):
    """A question to create or replace (PUT), or the fields to change (PATCH)."""

    type = serializers.ChoiceField(choices=registry.all_keys())
    stem = serializers.CharField(max_length=STEM_MAX)
    explanation = serializers.CharField(max_length=EXPLANATION_MAX, allow_blank=True, default="")
    source_quote = serializers.CharField(max_length=SOURCE_QUOTE_MAX, allow_blank=True, default="")
    section = SlugRefField(
        slug_field="slug", queryset=Section.objects.none(), help_text="A section slug."
    )
    difficulty = serializers.IntegerField(min_value=1, max_value=3, default=2)
    bloom = serializers.ChoiceField(choices=BloomLevel.values, default=BloomLevel.REMEMBER)
    concepts = SlugRefField(
        many=True,
        slug_field="slug",
        queryset=Concept.objects.none(),
        required=False,
        help_text="Concept slugs of the course's article.",
    )
    status = serializers.ChoiceField(choices=QuestionStatus.values, default=QuestionStatus.DRAFT)
    data = serializers.DictField(help_text=DATA_HELP)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH, validators=[NO_NUL]),
        required=False,
        max_length=MAX_TAGS,
        help_text="Tag names such as exam or week-3 (lowercase letters, digits, hyphens). "
        "Left out: the question keeps its tags. Tags never make a new version.",
    )

    def __init__(self, *args: Any, article=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the course's article's sections and concepts can be named.
        self.fields["section"].queryset = Section.objects.filter(article=article)
        self.fields["concepts"].child_relation.queryset = Concept.objects.filter(article=article)

    def validate_tags(self, value: list[str]) -> list[str]:
        names, problems = parse_tags(value)
        if problems:
            raise serializers.ValidationError(problems, code="bad_tag")
        return names

    def validate_data(self, value: dict[str, Any]) -> dict[str, Any]:
        if has_nul(value):  # PostgreSQL cannot store one
            raise serializers.ValidationError(NO_NUL.message, code="null_characters")
        return value


class VersionSerializer(serializers.Serializer):
    """One immutable version of a question, with its key."""

    number = serializers.IntegerField()
    type = serializers.ChoiceField(choices=registry.all_keys(), source="qtype")
    stem = serializers.CharField()
    explanation = serializers.CharField(allow_blank=True)
    source_quote = serializers.CharField(allow_blank=True)
    data = serializers.SerializerMethodField(help_text=DATA_HELP)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)

    @extend_schema_field(serializers.DictField())
    def get_data(self, version) -> dict[str, Any]:
        """The version's authoring fields, key included."""
        return version.type.authoring_data(version.payload)


class BankImportSerializer(serializers.Serializer):
    """A question file to import into the course's bank (a multipart form)."""

    file = serializers.FileField(
        help_text=f"GIFT (.txt), Moodle XML (.xml), JSON (.json) in UTF-8, or a Canvas QTI "
        f"export (.zip); at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB and {MAX_ITEMS:,} "
        "questions."
    )
    format = serializers.ChoiceField(
        choices=FORMATS,
        required=False,
        help_text="Left out: detected from the file's name and first bytes, as on the page.",
    )
    section = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        validators=[NO_NUL],
        help_text="A section slug of the course's article, for the questions the file does "
        "not place in a section.",
    )
    publish = serializers.BooleanField(
        default=False, help_text="Publish new questions; otherwise they arrive as drafts."
    )


class ImportSummarySerializer(serializers.Serializer):
    """What an import did, by question key: all of the file, or nothing."""

    created = serializers.ListField(child=serializers.CharField())
    revised = serializers.ListField(
        child=serializers.CharField(), help_text="Already in the bank: a new version."
    )
    unchanged = serializers.ListField(
        child=serializers.CharField(), help_text="Already in the bank as the file has them."
    )
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="What the file held that was left out."
    )


class BankItemSerializer(serializers.Serializer):
    """A question in the JSON bank file (docs/content-pack.md); `data` makes it exact."""

    id = serializers.IntegerField()
    key = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    type = serializers.ChoiceField(choices=registry.all_keys())
    stem = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), help_text="As offered.")
    correct = serializers.ListField(child=serializers.JSONField(), help_text="The key.")
    section = serializers.CharField(help_text="The section's heading.")
    section_slug = serializers.CharField()
    concepts = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    difficulty = serializers.IntegerField(min_value=1, max_value=3)
    bloom = serializers.ChoiceField(choices=BloomLevel.values)
    explanation = serializers.CharField(allow_blank=True)
    source_quote = serializers.CharField(allow_blank=True)
    data = serializers.DictField(help_text=DATA_HELP)


class ResultRowSerializer(serializers.Serializer):
    """One attempt in a quiz's results."""

    id = serializers.IntegerField(source="attempt_id")
    username = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    duration_seconds = serializers.SerializerMethodField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)

    def get_duration_seconds(self, row) -> int | None:
        """Seconds from start to submission; None while open."""
        return None if row.duration is None else int(row.duration.total_seconds())


class OptionCountSerializer(serializers.Serializer):
    """How many learners picked one option."""

    text = serializers.CharField()
    is_correct = serializers.BooleanField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class ItemStatsSerializer(serializers.Serializer):
    """One question's figures: facility and SD in percent of the mark, discrimination as r."""

    question_id = serializers.IntegerField()
    key = serializers.CharField(allow_blank=True)
    stem = serializers.CharField(allow_blank=True)
    type_label = serializers.CharField(source="qtype_label", allow_blank=True)
    attempt_count = serializers.IntegerField()
    facility = serializers.FloatField()
    sd = serializers.FloatField(allow_null=True)
    discrimination = serializers.FloatField(allow_null=True)
    is_dichotomous = serializers.BooleanField()
    is_flagged = serializers.BooleanField(help_text="Negative discrimination: check the key.")
    mark = serializers.FloatField()
    options = OptionCountSerializer(many=True)
    no_answer_count = serializers.IntegerField()


class QuizRefSerializer(serializers.Serializer):
    """A quiz, briefly."""

    id = serializers.IntegerField()
    title = serializers.CharField()


class QuizAnalysisSerializer(serializers.Serializer):
    """Item analysis of a quiz's submitted attempts in the course, and its reliability."""

    quiz = QuizRefSerializer()
    attempt_count = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True, help_text="Cronbach's α.")
    kr20 = serializers.FloatField(allow_null=True)
    reliability_note = serializers.CharField(allow_blank=True)
    flagged_count = serializers.IntegerField()
    items = ItemStatsSerializer(many=True)


class LearnerSerializer(serializers.Serializer):
    """A learner, briefly."""

    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="get_username")
    name = serializers.CharField(source="get_full_name", allow_blank=True)


class GradebookCellSerializer(serializers.Serializer):
    """A learner's best submitted percent (null: none submitted) and attempts at one quiz."""

    quiz = serializers.IntegerField(source="quiz.pk")
    title = serializers.CharField(source="quiz.title")
    best_percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    attempt_count = serializers.IntegerField()


class GradebookRowSerializer(serializers.Serializer):
    """A learner and a cell per quiz of the course."""

    learner = LearnerSerializer()
    quizzes = GradebookCellSerializer(many=True, source="cells")


class RosterMemberSerializer(serializers.Serializer):
    """A member of the platform's course (NRPS) and where they stand in the quiz."""

    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    user_id = serializers.CharField(source="sub", help_text="The platform's id for the user.")
    role = serializers.ChoiceField(choices=["learner", "instructor"])
    status = serializers.CharField(
        help_text="`not_attempted`, `in_progress`, `submitted`, or `inactive` (the platform "
        "lists the member as no longer active)."
    )
    submitted = serializers.IntegerField(help_text="Submitted attempts.")
    best_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    opened_kzstudy = serializers.BooleanField(help_text="Whether the member ever launched kzstudy.")


class AccommodationSerializer(serializers.Serializer):
    """An accommodation: for whom, on which quiz (null: every quiz of the course), and what."""

    id = serializers.IntegerField()
    learner = serializers.IntegerField(source="learner_id", allow_null=True)
    learner_username = serializers.CharField(
        source="learner.username", allow_null=True, default=None
    )
    group = serializers.IntegerField(source="group_id", allow_null=True)
    group_name = serializers.CharField(source="group.name", allow_null=True, default=None)
    quiz = serializers.IntegerField(source="quiz_id", allow_null=True)
    extra_minutes = serializers.IntegerField(allow_null=True)
    time_multiplier = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    extra_attempts = serializers.IntegerField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField()


class AccommodationInputSerializer(serializers.Serializer):
    """A new accommodation: one learner or one group of the course, one quiz or all, and at
    least one of extra time (minutes or a multiplier), extra attempts, a later close date."""

    learner = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    group = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    quiz = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Leave out or null: every quiz of the course, including quizzes added later.",
    )
    extra_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_EXTRA_MINUTES
    )
    time_multiplier = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("1.01"),
        max_value=MAX_TIME_MULTIPLIER,
        help_text="Instead of extra minutes, e.g. 1.25.",
    )
    extra_attempts = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_EXTRA_ATTEMPTS
    )
    closes_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Later than the quiz's own close date."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=300, validators=[NO_NUL], default=""
    )
