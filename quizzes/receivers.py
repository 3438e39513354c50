"""The core's own reactions to its domain signals (quizzes.signals), connected in
`QuizzesConfig.ready`; integrations (LTI) have receivers of their own."""

from __future__ import annotations

from django.dispatch import receiver

from kzstudy.outage import after_commit

from .models import Attempt
from .signals import attempt_submitted


@receiver(attempt_submitted, sender=Attempt, dispatch_uid="kzstudy.study_cards_after_submission")
def study_cards_after_submission(sender, attempt: Attempt, **kwargs) -> None:
    """The learner's flashcards from the attempt's review, once the submission has committed,
    so a failure here is logged and leaves the submission whole; cards an outage kept from
    being made are made by the worker's sweep (`tasks.make_missed_study_cards`). (Its one
    write is a single INSERT … ON CONFLICT DO NOTHING: no transaction of its own is needed.)"""
    from .services import study

    after_commit(
        lambda: study.study_cards_from_attempt(attempt=attempt),
        what=f"flashcards of attempt {attempt.pk}",
    )
