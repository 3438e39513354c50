"""Instructor pages: exchange (being built)."""

urlpatterns: list = []
