"""URLs of the quizzes app."""

from django.urls import path

from .views import flashcards, study

app_name = "quizzes"

urlpatterns = [
    path("", study.home, name="home"),
    path("articles/<slug:article>/<slug:section>/", study.section_detail, name="section"),
    path("courses/<slug:course>/flashcards/", flashcards.flashcards, name="flashcards"),
    path(
        "courses/<slug:course>/flashcards/<int:card>/review/",
        flashcards.flashcard_review,
        name="flashcard_review",
    ),
]
