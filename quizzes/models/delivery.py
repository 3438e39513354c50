"""Delivery: courses, enrolments, quizzes and their slots (attempts are in attempts.py)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .bank import Question, QuestionVersion, Tag
from .content import Article, Concept, Section


class Course(models.Model):
    """A place where learners study: an LMS context (LTI) or a standalone course."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="courses"
    )
    lti_issuer = models.CharField(_("LTI issuer"), max_length=255, blank=True)
    lti_context_id = models.CharField(_("LTI context id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["lti_issuer", "lti_context_id"],
                condition=~Q(lti_context_id=""),
                name="unique_lti_context_per_issuer",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CourseRole(models.TextChoices):
    """What a member may do in a course."""

    LEARNER = "learner", _("learner")
    INSTRUCTOR = "instructor", _("instructor")


class Enrolment(models.Model):
    """A user's membership and role in a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=CourseRole, default=CourseRole.LEARNER
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], name="unique_enrolment_per_course_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.role})"


class QuizMode(models.TextChoices):
    """When feedback comes: after each answer (practice) or after submitting (graded)."""

    PRACTICE = "practice", _("practice (immediate feedback, another try)")
    GRADED = "graded", _("graded (feedback after submission)")


class QuizLayout(models.TextChoices):
    """How questions are laid out on pages."""

    ONE_PER_PAGE = "one_per_page", _("one question per page")
    ALL_ON_ONE_PAGE = "all_on_one_page", _("all questions on one page")


class ReviewTiming(models.TextChoices):
    """When a learner may review a submitted attempt."""

    AFTER_SUBMIT = "after_submit", _("right after submitting")
    AFTER_CLOSE = "after_close", _("after the quiz closes")
    NEVER = "never", _("never")


class ExamProtection(models.TextChoices):
    """What practice quizzes and flashcards may show of the questions a graded quiz may draw,
    for each learner until the quiz closes or they have used all their attempts at it."""

    KEY_FREE = (
        "key_free",
        _(
            "Key-free practice: practice quizzes may ask these questions, unmarked, but show "
            "no right answers, explanations or results for them; flashcards leave them out"
        ),
    )
    EXAM_ONLY = (
        "exam_only",
        _(
            "Exam only: practice pools never draw these questions (a practice quiz that fixes "
            "one asks it unmarked, without its key); flashcards leave them out"
        ),
    )
    OPEN = (
        "open",
        _("Not protected: practice quizzes and flashcards show these questions' right answers"),
    )


class GradingMethod(models.TextChoices):
    """Which submitted attempts make a learner's quiz grade (Moodle's quiz "Grading method")."""

    HIGHEST = "highest", _("highest grade")
    AVERAGE = "average", _("average grade")
    FIRST = "first", _("first attempt")
    LAST = "last", _("last attempt")


class QuizQuerySet(models.QuerySet):
    """Reusable filters on quizzes."""

    def published(self) -> QuizQuerySet:
        """Quizzes learners can see."""
        return self.filter(is_published=True)

    def offered_in(self, *courses: Course) -> QuizQuerySet:
        """Quizzes offered in any of these courses: each course's own, and the shared ones (no
        course) of its article or of no article. The one definition; `Quiz.is_offered_in` says
        it of one quiz, and `selectors.offer_rows.quiz_offer_row_sent` says it in SQL for the
        start's hot path (a test keeps the two in step)."""
        article_ids = {c.article_id for c in courses if c.article_id}
        shared = Q(course__isnull=True) & (Q(article__isnull=True) | Q(article_id__in=article_ids))
        return self.filter(Q(course_id__in=[c.pk for c in courses]) | shared)


class Quiz(models.Model):
    """A quiz: slots of fixed or random questions and the rules attempts follow."""

    key = models.SlugField(_("key"), max_length=100, unique=True, null=True, blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="quizzes"
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quizzes",
        help_text=_("Empty: offered in every course that uses the article."),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quizzes",
        help_text=_("The section a practice quiz belongs to, if any."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=QuizMode, default=QuizMode.GRADED)
    layout = models.CharField(
        _("layout"), max_length=20, choices=QuizLayout, default=QuizLayout.ONE_PER_PAGE
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod,
        default=GradingMethod.HIGHEST,
        help_text=_("With several attempts allowed: which of them make the learner's grade."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    review_timing = models.CharField(
        _("review available"),
        max_length=15,
        choices=ReviewTiming,
        default=ReviewTiming.AFTER_SUBMIT,
    )
    review_shows_correct = models.BooleanField(_("review shows right answers"), default=True)
    review_shows_explanation = models.BooleanField(_("review shows explanations"), default=True)
    review_key_after_last_attempt = models.BooleanField(
        _("right answers and explanations only after the last attempt"),
        default=False,
        help_text=_(
            "The review shows the mark and the learner's answers after each attempt, but the "
            "right answers, feedback and explanations only once the learner has no attempt "
            "left (all used, accommodations' extra ones included, none in progress) or the "
            "quiz has closed for them. Needs an attempt limit or a close date."
        ),
    )
    exam_protection = models.CharField(
        _("its questions in practice and flashcards"),
        max_length=10,
        choices=ExamProtection,
        default=ExamProtection.KEY_FREE,
        help_text=_(
            "Graded quizzes only. Covers every question the quiz may draw, for each learner "
            "until the quiz closes or they have used all their attempts."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="quiz_pass_mark_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
                name="quiz_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1),
                name="quiz_max_attempts_positive",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="quiz_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def passes(self, percent: Decimal | None) -> bool:
        """Whether a percent reaches the pass mark: the one rule for "passed", of an attempt
        and of a quiz grade alike."""
        return percent is not None and percent >= self.pass_mark

    def is_offered_in(self, course: Course) -> bool:
        """Whether the course offers this quiz (`QuizQuerySet.offered_in` for one quiz)."""
        if self.course_id is not None:
            return self.course_id == course.pk
        return self.article_id in (None, course.article_id)


class SlotKind(models.TextChoices):
    """A slot holds one fixed question or draws random ones from a pool."""

    FIXED = "fixed", _("fixed question")
    RANDOM = "random", _("random from a pool")


class QuizSlot(models.Model):
    """One place in a quiz: a fixed question or `pool_count` random questions from a pool.

    A pool is the published questions matching every filter set (section, concept, difficulty,
    tag).
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=6, choices=SlotKind, default=SlotKind.FIXED)
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="slots"
    )
    pinned_version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the question's newest version when an attempt starts."),
    )
    pool_section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pool_concept = models.ForeignKey(
        Concept, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pool_difficulty = models.PositiveSmallIntegerField(_("pool difficulty"), null=True, blank=True)
    pool_tag = models.ForeignKey(
        Tag,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any question; else only the questions with this tag."),
    )
    pool_count = models.PositiveSmallIntegerField(_("questions drawn"), default=1)
    mark = models.DecimalField(
        _("mark per question"), max_digits=6, decimal_places=2, default=Decimal(1)
    )

    class Meta:
        verbose_name = _("quiz slot")
        verbose_name_plural = _("quiz slots")
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "position"], name="unique_slot_position_per_quiz"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=SlotKind.FIXED,
                        question__isnull=False,
                        pool_count=1,
                        pool_section__isnull=True,
                        pool_concept__isnull=True,
                        pool_difficulty__isnull=True,
                        pool_tag__isnull=True,
                    )
                    | Q(
                        kind=SlotKind.RANDOM,
                        question__isnull=True,
                        pinned_version__isnull=True,
                        pool_count__gte=1,
                    )
                ),
                name="slot_is_fixed_or_random",
            ),
            models.CheckConstraint(condition=Q(mark__gt=0), name="slot_mark_positive"),
            models.CheckConstraint(
                condition=Q(pool_difficulty__isnull=True)
                | Q(pool_difficulty__gte=1, pool_difficulty__lte=3),
                name="slot_pool_difficulty_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}"
