"""URLs of the quizzes app."""

from django.urls import path

from .views import attempts, flashcards, study

app_name = "quizzes"

urlpatterns = [
    path("", study.home, name="home"),
    path("articles/<slug:article>/<slug:section>/", study.section_detail, name="section"),
    path("courses/<slug:course>/", study.course_home, name="course"),
    path("courses/<slug:course>/quizzes/<id:quiz>/", attempts.quiz_detail, name="quiz"),
    path("courses/<slug:course>/quizzes/<id:quiz>/start/", attempts.quiz_start, name="quiz_start"),
    path("courses/<slug:course>/attempts/", attempts.my_attempts, name="my_attempts"),
    path("courses/<slug:course>/flashcards/", flashcards.flashcards, name="flashcards"),
    path(
        "courses/<slug:course>/flashcards/<id:card>/review/",
        flashcards.flashcard_review,
        name="flashcard_review",
    ),
    path(
        "courses/<slug:course>/flashcards/undo/", flashcards.flashcard_undo, name="flashcard_undo"
    ),
    path(
        "courses/<slug:course>/flashcards/settings/",
        flashcards.flashcard_settings,
        name="flashcard_settings",
    ),
    path("attempts/<id:attempt>/", attempts.attempt_page, name="attempt"),
    path("attempts/<id:attempt>/save/", attempts.attempt_save, name="attempt_save"),
    path("attempts/<id:attempt>/check/", attempts.attempt_check, name="attempt_check"),
    path("attempts/<id:attempt>/submit/", attempts.attempt_submit_view, name="attempt_submit"),
    path("attempts/<id:attempt>/review/", attempts.attempt_review, name="attempt_review"),
]
