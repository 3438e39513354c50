"""Instructor pages: results (being built)."""

urlpatterns: list = []
