"""Helpers of the API tests."""

from __future__ import annotations

from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    """An API client signed in as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client
