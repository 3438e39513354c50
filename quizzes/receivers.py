"""The core's own reactions to its domain signals (quizzes.signals), connected in
`QuizzesConfig.ready`; integrations (LTI) have receivers of their own."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from .models import Attempt
from .signals import attempt_submitted

logger = logging.getLogger(__name__)


@receiver(attempt_submitted, sender=Attempt, dispatch_uid="kzstudy.study_cards_after_submission")
def study_cards_after_submission(sender, attempt: Attempt, **kwargs) -> None:
    """The learner's flashcards from the attempt's review, once the submission has committed:
    in their own transaction, so a failure here is logged and leaves the submission whole."""
    from .services.study import study_cards_from_attempt

    def make_cards() -> None:
        with transaction.atomic():
            study_cards_from_attempt(attempt=attempt)

    transaction.on_commit(make_cards, robust=True)
