"""Instructor pages: bank (being built)."""

urlpatterns: list = []
