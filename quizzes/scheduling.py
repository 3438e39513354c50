"""Flashcard scheduling with FSRS (the `fsrs` package): the one scheduler, its learning steps,
and what each rating would do to a card, for the buttons that offer them.

Pure: no ORM queries, no clock. The study services apply a rating with `SCHEDULER`; the study
selectors order the queue with `retrievability` and label the buttons with `rating_previews`,
so the interval a button shows is the interval the rating gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from fsrs import Card, Rating, Scheduler, State

from .models import ReviewCard

# Anki's default steps (and fsrs's): a new card comes back after 1 and 10 minutes before it
# graduates to days; a forgotten one after 10 minutes. Again always means minutes, never days.
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
# No fuzz: fsrs draws it from the process's random generator, so a button's preview could not
# promise the interval the rating then gives. A learner's queue of a few hundred cards has no
# daily load for fuzz to spread.
SCHEDULER = Scheduler(
    learning_steps=LEARNING_STEPS, relearning_steps=RELEARNING_STEPS, enable_fuzzing=False
)
RATING_NAMES = {
    Rating.Again: _("Again"),
    Rating.Hard: _("Hard"),
    Rating.Good: _("Good"),
    Rating.Easy: _("Easy"),
}


def utc(value: datetime | None) -> datetime | None:
    """The datetime in UTC: fsrs refuses any other zone, and a moved clock may carry one."""
    return value.astimezone(UTC) if value is not None else None


def fsrs_card(row: ReviewCard) -> Card:
    """The fsrs view of a stored card (its memory state lives in plain columns)."""
    return Card(
        card_id=row.pk,
        state=State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=utc(row.due),
        last_review=utc(row.last_review),
    )


def retrievability(row: ReviewCard, now: datetime) -> float:
    """The chance the learner recalls the card at `now` (0 for a card never reviewed)."""
    return SCHEDULER.get_card_retrievability(fsrs_card(row), current_datetime=utc(now))


@dataclass(frozen=True)
class RatingPreview:
    """What one rating would do to a card now: when it would be due, and that said in words."""

    rating: int
    name: str
    due: datetime
    interval: timedelta
    label: str  # short, for the button: "10 min", "3 d"
    spoken: str  # whole words, for screen readers: "10 minutes", "3 days"


def _number(value: float) -> str:
    """A count with at most one decimal, and none when it is whole."""
    rounded = round(value, 1)
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"


def _count(shown: str) -> int:
    """The whole number gettext needs to pick a plural form for a shown count like "1.5"."""
    return 1 if shown == "1" else 2


def interval_label(interval: timedelta) -> tuple[str, str]:
    """An interval as Anki writes it on a button ("10 min", "4 d", "1.5 mo") and in words."""
    seconds = interval.total_seconds()
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"{minutes} min", ngettext("%d minute", "%d minutes", minutes) % minutes
    if seconds < 86400:
        shown = _number(seconds / 3600)
        return f"{shown} h", ngettext("%s hour", "%s hours", _count(shown)) % shown
    days = seconds / 86400
    if days < 30:
        whole = round(days)
        return f"{whole} d", ngettext("%d day", "%d days", whole) % whole
    if days < 365:
        months = _number(days / 30)
        return f"{months} mo", ngettext("%s month", "%s months", _count(months)) % months
    years = _number(days / 365)
    return f"{years} y", ngettext("%s year", "%s years", _count(years)) % years


def review_outcome(row: ReviewCard, rating: Rating, now: datetime) -> Card:
    """The card as a rating at `now` leaves it (the stored row is not touched)."""
    card, _log = SCHEDULER.review_card(fsrs_card(row), rating, review_datetime=utc(now))
    return card


def rating_previews(row: ReviewCard, now: datetime) -> list[RatingPreview]:
    """For each rating, Again to Easy, when the card would next be due if rated so at `now`."""
    previews = []
    for rating in Rating:
        due = review_outcome(row, rating, now).due
        label, spoken = interval_label(due - utc(now))
        previews.append(
            RatingPreview(
                rating=rating.value,
                name=str(RATING_NAMES[rating]),
                due=due,
                interval=due - utc(now),
                label=label,
                spoken=spoken,
            )
        )
    return previews
