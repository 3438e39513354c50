"""`manage.py api_token USERNAME [--name NAME] [--scope read|write] [--expires-in DAYS]`.

Creates an API token for a user (admins); the secret is printed once and never stored. The
operator running it is the site itself (SYSTEM), so it may make a token for any user.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...errors import DomainError
from ...models.api import TokenScope
from ...services.authorization import SYSTEM
from ...services.tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="created by an admin")
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read: GET only (the default); write: may also change things.",
        )
        parser.add_argument(
            "--expires-in",
            type=int,
            default=DEFAULT_LIFETIME_DAYS,
            metavar="DAYS",
            help=f"days until the token stops working, 1 to {MAX_LIFETIME_DAYS} "
            f"(default {DEFAULT_LIFETIME_DAYS})",
        )

    def handle(self, *args, username, name, scope, expires_in, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            _, secret = token_create(
                user=user, name=name, scope=scope, lifetime_days=expires_in, actor=SYSTEM
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(secret)
