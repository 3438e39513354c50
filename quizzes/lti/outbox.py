"""The grade outbox: scores are written in the same transaction as the attempt (or regrade)
that earns them, and a worker sends them to the platform, retrying with backoff.

The grade sent is the learner's quiz grade (`QuizGrade.percent`, by the quiz's grading
method), as `scoreGiven` out of 100; `quizzes.lti.receivers` passes it on from the core's
signals. A grade equal to the last one for the same link and learner is not queued again while
that one is delivered or waits for its first try; one equal to a grade on its way, being retried
or failed is queued, and goes out only if that one does not arrive (`_equal_before`). A
newer grade supersedes an older one still waiting. Only learners' grades leave, under their
identity on the course's registration, and only to the placements of the quiz they launched
(`_placements`).

A grade the platform cannot take yet (5xx, 429, network trouble, a refused token) is retried
with backoff until it is `LTI_RETRY_HOURS` (7 days) old, so an LMS outage or maintenance
window of hours or days strands nothing; only then, or on a refusal (another 4xx), is it
`failed`. Failed grades are counted by `/readyz` (kzstudy/health.py) and sent again by staff
(`resend_failed`: the admin action, `manage.py lti_resend_failed`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from .. import clock
from ..models import (
    Attempt,
    CourseRole,
    LtiIdentity,
    LtiLinkLaunch,
    LtiResourceLink,
    LtiScore,
    Quiz,
    QuizMode,
    ScoreReason,
    ScoreStatus,
)
from .services_client import ServiceError, find_or_create_lineitem, post_score

logger = logging.getLogger("kzstudy.lti")

LEASE = timedelta(minutes=2)


def _retry_base() -> float:
    return float(getattr(settings, "LTI_RETRY_BASE_SECONDS", 30))


def retry_horizon() -> timedelta:
    """How long after it was earned a grade is still retried (`LTI_RETRY_HOURS`, 7 days)."""
    return timedelta(hours=float(getattr(settings, "LTI_RETRY_HOURS", 168)))


def backoff(tries: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at an hour (the base is a setting)."""
    return timedelta(seconds=min(_retry_base() * 2 ** max(tries - 1, 0), 3600))


def _quiz_target(quiz_id: int) -> str:
    return f"quiz:{quiz_id}"


def _links_with_grade_columns():
    return LtiResourceLink.objects.filter(
        ~Q(lineitem_url="") | ~Q(lineitems_url="")
    ).select_related("platform")


def _placements(links: list[LtiResourceLink], launched: set[int]) -> list[LtiResourceLink]:
    """The graded links to a quiz that get a learner's grade: those they launched it through.

    A quiz placed twice in a course is two grade columns; sending to both would count it twice
    in the course total. A learner who never launched any of them (they came by the course
    home) gets it in every placement, since kzstudy cannot tell which one the teacher counts
    and a missing grade is worse than one the teacher can exclude.
    """
    used = [link for link in links if link.pk in launched]
    return used or links


def enqueue_for_attempt(
    attempt: Attempt, *, percent: Decimal, reason: str = ScoreReason.SUBMIT
) -> int:
    """Queue the learner's quiz grade (`percent`) on the graded links to this quiz they
    launched (see `_placements`); call inside the attempt's transaction. Returns how many
    scores were queued (one query when the course has no links).

    Practice quizzes never send grades, even when a platform gave their link a grade column.
    """
    if attempt.quiz.mode != QuizMode.GRADED:
        return 0
    links = _links_with_grade_columns().filter(
        course_id=attempt.course_id, target=_quiz_target(attempt.quiz_id)
    )
    # Whether this user launched each link rides along in the same query.
    links = list(
        links.annotate(
            launched=Exists(
                LtiLinkLaunch.objects.filter(link=OuterRef("pk"), identity__user_id=attempt.user_id)
            )
        )
    )
    launched = {link.pk for link in links if link.launched}
    return _enqueue(attempt, _placements(links, launched), reason, percent)


def enqueue_for_attempts(graded: list[tuple[Attempt, Decimal]], *, reason: str) -> int:
    """The same for many (attempt, quiz grade) pairs (a regrade): their quizzes and links are
    read once, so attempts in courses without links cost no query each."""
    if not graded:
        return 0
    attempts = [attempt for attempt, _ in graded]
    graded_quizzes = set(
        Quiz.objects.filter(pk__in={a.quiz_id for a in attempts}, mode=QuizMode.GRADED).values_list(
            "pk", flat=True
        )
    )
    if not graded_quizzes:
        return 0
    links_by_place: dict[tuple[int, str], list[LtiResourceLink]] = defaultdict(list)
    for link in _links_with_grade_columns().filter(
        course_id__in={a.course_id for a in attempts},
        target__in={_quiz_target(quiz_id) for quiz_id in graded_quizzes},
    ):
        links_by_place[(link.course_id, link.target)].append(link)
    if not links_by_place:
        return 0
    launched_by_user: dict[int, set[int]] = defaultdict(set)
    for link_id, user_id in LtiLinkLaunch.objects.filter(
        link_id__in={link.pk for links in links_by_place.values() for link in links},
        identity__user_id__in={a.user_id for a in attempts},
    ).values_list("link_id", "identity__user_id"):
        launched_by_user[user_id].add(link_id)
    return sum(
        _enqueue(
            attempt,
            _placements(
                links_by_place[(attempt.course_id, _quiz_target(attempt.quiz_id))],
                launched_by_user[attempt.user_id],
            ),
            reason,
            percent,
        )
        for attempt, percent in graded
        if attempt.quiz_id in graded_quizzes
    )


def _learner_identity(attempt: Attempt) -> LtiIdentity | None:
    """Who the attempt's user is on the course's registration, if they learn there.

    Only learners' grades leave: a platform's gradebook refuses (or, worse, records) an
    instructor's score. The identity is the one of the course's own deployment, so a grade
    is never sent under the `sub` of another registration. One query.
    """
    return LtiIdentity.objects.filter(
        user_id=attempt.user_id,
        deployment__contexts__course_id=attempt.course_id,
        user__enrolments__course_id=attempt.course_id,
        user__enrolments__role=CourseRole.LEARNER,
    ).first()


def _covers(latest: LtiScore, grade: Decimal) -> bool:
    """Whether the newest grade of a learner's placement makes queueing an equal `grade` useless:
    it is delivered, or waits for its first try (it goes out as soon as `grade` would).

    An equal grade on its way, being retried or failed is queued all the same, with its own
    retry horizon: should that one fail for good, this one still arrives. Should it arrive,
    this one is not sent (`_equal_before`).
    """
    if latest.score_given != grade:
        return False
    return latest.status == ScoreStatus.SENT or (
        latest.status == ScoreStatus.PENDING and latest.tries == 0
    )


def _enqueue(
    attempt: Attempt, links: list[LtiResourceLink], reason: str, best: Decimal | None
) -> int:
    if not links or best is None:
        return 0
    identity = _learner_identity(attempt)
    if identity is None:
        return 0
    now = clock.now()
    queued = 0
    for link in links:
        latest = (
            LtiScore.objects.filter(link=link, identity=identity)
            .exclude(status=ScoreStatus.SUPERSEDED)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None and _covers(latest, best):
            continue
        LtiScore.objects.filter(link=link, identity=identity, status=ScoreStatus.PENDING).update(
            status=ScoreStatus.SUPERSEDED
        )
        LtiScore.objects.create(
            link=link,
            identity=identity,
            attempt=attempt,
            reason=reason,
            score_given=best,
            next_try_at=now,
            created_at=now,
        )
        queued += 1
    return queued


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Claimed but not sent: superseded, already delivered by an equal grade, or waiting for one.
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped


def _claim(limit: int) -> list[LtiScore]:
    """Take due scores for this worker: pending ones, and ones whose sender died (lease over)."""
    now = clock.now()
    with transaction.atomic():
        due = LtiScore.objects.filter(
            status__in=[ScoreStatus.PENDING, ScoreStatus.SENDING], next_try_at__lte=now
        ).order_by("next_try_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            # Only the scores themselves: every score of a placement joins the same link and
            # platform rows, and locking those too made a second worker skip every score while
            # the first held its claim (and end its sweep as if nothing were due).
            due = due.select_for_update(skip_locked=True, of=("self",))
        claimed = list(due.select_related("link__platform", "identity")[:limit])
        LtiScore.objects.filter(pk__in=[s.pk for s in claimed]).update(
            status=ScoreStatus.SENDING, next_try_at=now + LEASE
        )
    return claimed


def _payload(score: LtiScore) -> dict:
    return {
        "userId": score.identity.sub,
        "scoreGiven": float(score.score_given),
        "scoreMaximum": float(score.score_maximum),
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": score.created_at.isoformat(timespec="milliseconds"),
    }


def _label(link: LtiResourceLink) -> str:
    """The grade column's name: the quiz's title (the link's own title when the quiz is gone)."""
    quiz_id = link.target.removeprefix("quiz:")
    title = Quiz.objects.filter(pk=quiz_id).values_list("title", flat=True).first()
    return (title or link.title or link.target)[:255]


def _lineitem(link: LtiResourceLink) -> str:
    if link.lineitem_url:
        return link.lineitem_url
    if not link.lineitems_url:
        raise ServiceError("the platform gave this link no grade column", retryable=False)
    url = find_or_create_lineitem(
        link.platform,
        link.lineitems_url,
        resource_id=link.target,
        label=_label(link),
        resource_link_id=link.resource_link_id,
    )
    LtiResourceLink.objects.filter(pk=link.pk).update(lineitem_url=url)
    return url


def _has_newer(score: LtiScore) -> bool:
    """Whether a later grade for the same learner and placement is queued, on its way or sent:
    then this one must never reach the LMS after it (the LMS would keep the older grade)."""
    return (
        LtiScore.objects.filter(
            link_id=score.link_id, identity_id=score.identity_id, pk__gt=score.pk
        )
        .exclude(status__in=[ScoreStatus.SUPERSEDED, ScoreStatus.FAILED])
        .exists()
    )


def _supersede(score: LtiScore) -> None:
    score.status = ScoreStatus.SUPERSEDED
    score.save(update_fields=["status"])


def _equal_before(score: LtiScore) -> LtiScore | None:
    """The grade just before this one for the same learner and placement, when it is equal.

    Only that one, whatever its status: any other between them may have reached the LMS with
    another value, and then this one must go out.
    """
    before = (
        LtiScore.objects.filter(
            link_id=score.link_id, identity_id=score.identity_id, pk__lt=score.pk
        )
        .order_by("-pk")
        .only("status", "score_given", "next_try_at")
        .first()
    )
    return before if before is not None and before.score_given == score.score_given else None


def _gives_up(score: LtiScore, error: ServiceError) -> bool:
    return not error.retryable or clock.now() - score.created_at >= retry_horizon()


def _deliver(score: LtiScore, report: DeliveryReport) -> None:
    if _has_newer(score):
        _supersede(score)
        report.skipped += 1
        return
    before = _equal_before(score)
    if before is not None and before.status == ScoreStatus.SENT:
        # Queued while that equal grade was on its way (`_covers`), which has arrived since:
        # the LMS has this grade, so it is not sent again.
        score.status = ScoreStatus.SENT
        score.sent_at = clock.now()
        score.save(update_fields=["status", "sent_at"])
        _supersede_failed_before(score)
        report.skipped += 1
        return
    if (
        before is not None
        and before.status == ScoreStatus.SENDING
        and before.next_try_at > clock.now()
    ):
        # That equal grade is on its way in another worker (its lease runs until next_try_at):
        # wait for its outcome instead of sending the same grade twice.
        score.status = ScoreStatus.PENDING
        score.next_try_at = before.next_try_at
        score.save(update_fields=["status", "next_try_at"])
        report.skipped += 1
        return
    try:
        post_score(score.link.platform, _lineitem(score.link), _payload(score))
    except ServiceError as error:
        score.tries += 1
        score.last_error = str(error)[:2000]
        if _has_newer(score):
            # A newer grade was queued while this one was in flight: retrying this one could
            # land it after the newer, so it steps aside.
            score.status = ScoreStatus.SUPERSEDED
        elif not _gives_up(score, error):
            score.status = ScoreStatus.PENDING
            score.next_try_at = clock.now() + backoff(score.tries)
            report.retrying += 1
        else:
            score.status = ScoreStatus.FAILED
            report.failed += 1
        report.errors.append(f"score {score.pk}: {error}")
        logger.warning("LTI score %s not delivered (try %s): %s", score.pk, score.tries, error)
        if score.status == ScoreStatus.FAILED:
            logger.error(
                "LTI score %s failed for good after %s tries; send it again from the admin or "
                "with `manage.py lti_resend_failed` once the platform takes it: %s",
                score.pk,
                score.tries,
                error,
            )
    else:
        score.tries += 1
        score.status = ScoreStatus.SENT
        score.sent_at = clock.now()
        score.last_error = ""
        report.sent += 1
        _supersede_failed_before(score)
    score.save(update_fields=["tries", "last_error", "status", "next_try_at", "sent_at"])


def _supersede_failed_before(score: LtiScore) -> None:
    """A grade arrived: the learner's older failed grades on that placement are replaced."""
    LtiScore.objects.filter(
        link_id=score.link_id,
        identity_id=score.identity_id,
        pk__lt=score.pk,
        status=ScoreStatus.FAILED,
    ).update(status=ScoreStatus.SUPERSEDED)


def deliver_due(limit: int = 50) -> DeliveryReport:
    """Send the scores that are due now; each is sent at most once successfully."""
    report = DeliveryReport()
    # Oldest first, so of two grades of one learner claimed together the older steps aside
    # (`_has_newer`) before the newer looks at it (`_equal_before`).
    for score in sorted(_claim(limit), key=lambda score: score.pk):
        _deliver(score, report)
    return report


def resend_failed(scores: QuerySet[LtiScore]) -> tuple[int, int]:
    """Send again the failed grades among `scores` (staff, after the platform is fixed); returns
    how many were queued and how many were not, a newer grade of the same learner and placement
    being queued, on its way, delivered or failed itself.

    Each is queued as a new grade with the same value, the time now as its timestamp and a full
    retry horizon; the failed row is kept (its last error included) as superseded by it. Safe
    on any number of rows: a few queries in all, whatever the selection.
    """
    now = clock.now()
    newer = LtiScore.objects.filter(
        link_id=OuterRef("link_id"), identity_id=OuterRef("identity_id"), pk__gt=OuterRef("pk")
    ).exclude(status=ScoreStatus.SUPERSEDED)
    with transaction.atomic():
        failed = LtiScore.objects.filter(
            pk__in=scores.filter(status=ScoreStatus.FAILED).values("pk"),
            status=ScoreStatus.FAILED,
        )
        if connection.features.has_select_for_update:
            # Two members of staff sending the same rows again queue them once.
            list(failed.select_for_update().values_list("pk", flat=True))
        heads = list(failed.exclude(Exists(newer)))
        LtiScore.objects.bulk_create(
            LtiScore(
                link_id=head.link_id,
                identity_id=head.identity_id,
                attempt_id=head.attempt_id,
                reason=head.reason,
                score_given=head.score_given,
                score_maximum=head.score_maximum,
                next_try_at=now,
                created_at=now,
            )
            for head in heads
        )
        replaced = failed.update(status=ScoreStatus.SUPERSEDED)
        if heads:
            from .tasks import enqueue_delivery

            transaction.on_commit(enqueue_delivery, robust=True)
    return len(heads), replaced - len(heads)
