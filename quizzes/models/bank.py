"""The question bank: questions (identity) and their immutable versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..qtypes import registry
from .content import Concept, Section


class QuestionStatus(models.TextChoices):
    """Where a question is in its life."""

    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class BloomLevel(models.TextChoices):
    """The cognitive level a question asks for (revised Bloom's taxonomy)."""

    REMEMBER = "remember", _("remember")
    UNDERSTAND = "understand", _("understand")
    APPLY = "apply", _("apply")
    ANALYZE = "analyze", _("analyze")
    EVALUATE = "evaluate", _("evaluate")
    CREATE = "create", _("create")


class Tag(models.Model):
    """A label on questions of the bank (Moodle's question tags), such as `exam`.

    Bank metadata, like a question's concepts: it is on the question, not on its versions, so
    tagging never makes a new version. A quiz pool may draw only the questions with a tag.
    """

    name = models.SlugField(
        _("name"),
        max_length=50,
        unique=True,
        help_text=_("Lowercase letters, digits and hyphens, such as exam or week-3."),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet):
    """Reusable filters on questions."""

    def published(self) -> QuestionQuerySet:
        """Questions learners may be given."""
        return self.filter(status=QuestionStatus.PUBLISHED)


class Question(models.Model):
    """A question's identity in the bank; what learners see lives in its versions."""

    # NULL rather than "" for questions without a key, so the unique constraints skip them.
    key = models.SlugField(  # noqa: DJ001
        _("key"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("Stable id from a content pack or import; empty for questions written here."),
    )
    qtype = models.CharField(_("type"), max_length=40, choices=registry.choices())
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="questions")
    course = models.ForeignKey(
        "Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("The course whose bank owns the question; empty for the shared bank."),
    )
    concepts = models.ManyToManyField(Concept, blank=True, related_name="questions")
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), default=2)
    bloom_level = models.CharField(
        _("Bloom level"), max_length=12, choices=BloomLevel, default=BloomLevel.REMEMBER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus, default=QuestionStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "QuestionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The newest version; set by the authoring services."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "key", "pk"]
        constraints = [
            # Keys are unique within a bank: the shared one, or each course's own.
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(course__isnull=True, key__isnull=False),
                name="unique_shared_question_key",
            ),
            models.UniqueConstraint(
                fields=["course", "key"],
                condition=Q(course__isnull=False, key__isnull=False),
                name="unique_question_key_per_course",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_to_3"
            ),
            models.CheckConstraint(
                condition=Q(qtype__in=registry.all_keys()), name="question_type_is_registered"
            ),
        ]
        indexes = [models.Index(fields=["section", "status"], name="question_section_status")]

    def __str__(self) -> str:
        stem = self.current_version.stem if self.current_version_id else ""
        return f"{self.key or self.pk}: {stem[:60]}"


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change a saved question version."""


class QuestionVersion(models.Model):
    """One immutable version of a question: everything a learner sees and is graded on.

    Editing a question creates version n+1 (`question_revise`); attempts keep pointing at the
    version they showed, so the past never changes.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    qtype = models.CharField(_("type"), max_length=40, choices=registry.choices())
    stem = models.TextField(_("stem"))
    payload = models.JSONField(_("payload"), help_text=_("The type's data, keys included."))
    explanation = models.TextField(_("explanation"), blank=True)
    source_quote = models.TextField(_("source quote"), blank=True)
    content_hash = models.CharField(
        _("content hash"), max_length=64, help_text=_("SHA-256 of the authoring data.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="unique_version_number_per_question"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(qtype__in=registry.all_keys()), name="version_type_is_registered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        """Insert only: a saved version is never updated."""
        if self.pk is not None and not self._state.adding:
            raise ImmutableVersionError("Question versions are immutable; revise the question.")
        super().save(*args, **kwargs)

    @property
    def type(self):
        """The registered question type of this version."""
        return registry.get(self.qtype)
