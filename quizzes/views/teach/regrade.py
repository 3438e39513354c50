"""Instructor pages: regrade (being built)."""

urlpatterns: list = []
