"""Instructor pages: quizzes (being built)."""

urlpatterns: list = []
