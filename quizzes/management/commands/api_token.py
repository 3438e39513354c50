"""`manage.py api_token USERNAME [--name NAME]`: create an API token for a user (admins)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...errors import DomainError
from ...services.tokens import token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="created by an admin")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            _, secret = token_create(user=user, name=name)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(secret)
