"""API tokens are their user's own: the token services refuse anyone else but a site admin."""

from __future__ import annotations

import pytest

from quizzes.errors import NotAllowed
from quizzes.models import ApiToken
from quizzes.services.tokens import token_create, token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nobody_makes_a_token_for_another_user():
    owner, other = UserFactory(), UserFactory()
    with pytest.raises(NotAllowed) as refused:
        token_create(user=owner, name="script", scope="write", actor=other)
    assert refused.value.status == 403
    assert not ApiToken.objects.exists()
    token, _secret = token_create(user=owner, name="script", scope="write", actor=owner)
    assert token.user == owner


def test_a_site_admin_makes_a_token_for_a_user():
    owner = UserFactory()
    token, _secret = token_create(
        user=owner, name="for them", scope="read", actor=UserFactory(is_superuser=True)
    )
    assert token.user == owner


def test_nobody_revokes_another_users_token():
    owner, other = UserFactory(), UserFactory()
    token, _secret = token_create(user=owner, name="script", scope="read", actor=owner)
    with pytest.raises(NotAllowed):
        token_revoke(token=token, actor=other)
    token.refresh_from_db()
    assert token.revoked_at is None
    token_revoke(token=token, actor=UserFactory(is_superuser=True))
    token.refresh_from_db()
    assert token.revoked_at is not None
