"""`manage.py lti_resend_failed`: send again the grades that failed for good.

A grade is `failed` when the platform refused it (a 4xx) or kept failing until it was
`LTI_RETRY_HOURS` old. Once the platform takes grades again (or its registration is fixed),
this queues each failed grade again, by platform or course, as the admin's action does
(`quizzes.lti.outbox.resend_failed`): the newest grade of each learner and placement only, with
a new retry horizon. `/readyz` counts the failed grades left (`checks.outbox.failed`).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from ...models import LtiPlatform, LtiScore, ScoreStatus


class Command(BaseCommand):
    help = "Queue again the LTI grades that failed for good (all, or a platform's or course's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--platform",
            help="The platform's id in the admin, or its issuer (every registration of it).",
        )
        parser.add_argument("--course", help="The kzstudy course's slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the failed grades; queue nothing."
        )

    def handle(self, *args: object, **options: object) -> None:
        scores = LtiScore.objects.filter(status=ScoreStatus.FAILED)
        platform = options["platform"]
        if platform:
            by_issuer = Q(issuer=platform)
            if str(platform).isdigit():
                by_issuer |= Q(pk=int(str(platform)))
            platforms = LtiPlatform.objects.filter(by_issuer)
            if not platforms.exists():
                raise CommandError(f"No platform has the id or issuer {platform!r}.")
            scores = scores.filter(link__platform__in=platforms)
        if options["course"]:
            scores = scores.filter(link__course__slug=options["course"])
        if options["dry_run"]:
            self.stdout.write(f"{scores.count()} failed grades.")
            return

        from ...lti.outbox import resend_failed  # the outbox's HTTP stack only when it is used

        queued, replaced = resend_failed(scores)
        self.stdout.write(
            f"{queued} grades queued again; {replaced} older failed grades replaced by a newer "
            "grade of the same learner and placement."
        )
