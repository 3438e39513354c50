"""API URLs: /api/v1/… and the OpenAPI schema with its interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views_accommodations as accommodations
from . import views_attempts as attempts
from . import views_bank as bank
from . import views_content as content
from . import views_exchange as exchange
from . import views_grading as grading
from . import views_results as results
from . import views_study as study
from . import views_tokens as tokens

v1 = [
    path("me/", attempts.MeView.as_view(), name="me"),
    path("quizzes/", attempts.QuizListView.as_view(), name="quizzes"),
    path(
        "quizzes/<id:quiz_id>/attempts/", attempts.AttemptStartView.as_view(), name="attempt-start"
    ),
    path("attempts/", attempts.AttemptListView.as_view(), name="attempts"),
    path("attempts/<id:attempt_id>/", attempts.AttemptDetailView.as_view(), name="attempt"),
    path(
        "attempts/<id:attempt_id>/answers/<id:question_id>/",
        attempts.AnswerView.as_view(),
        name="answer",
    ),
    path(
        "attempts/<id:attempt_id>/answers/<id:question_id>/check/",
        attempts.CheckView.as_view(),
        name="answer-check",
    ),
    path("attempts/<id:attempt_id>/submit/", attempts.SubmitView.as_view(), name="attempt-submit"),
    path("articles/", content.ArticleListView.as_view(), name="articles"),
    path("articles/<slug:slug>/", content.ArticleDetailView.as_view(), name="article"),
    path(
        "articles/<slug:slug>/sections/<slug:section>/",
        content.SectionDetailView.as_view(),
        name="section",
    ),
    path("articles/<slug:slug>/glossary/", content.GlossaryView.as_view(), name="glossary"),
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/<id:token_id>/", tokens.TokenDetailView.as_view(), name="token"),
    path(
        "courses/<id:course_id>/flashcards/due/",
        study.DueCardsView.as_view(),
        name="flashcards-due",
    ),
    path(
        "courses/<id:course_id>/flashcards/undo/",
        study.UndoView.as_view(),
        name="flashcard-undo",
    ),
    path("flashcards/<id:card_id>/review/", study.ReviewView.as_view(), name="flashcard-review"),
    path("flashcards/settings/", study.StudySettingsView.as_view(), name="flashcard-settings"),
    path("courses/<id:course_id>/progress/", study.ProgressView.as_view(), name="progress"),
    path(
        "courses/<id:course_id>/questions/",
        bank.QuestionListView.as_view(),
        name="course-questions",
    ),
    path(
        "courses/<id:course_id>/questions/import/",
        exchange.QuestionImportView.as_view(),
        name="course-questions-import",
    ),
    path(
        "courses/<id:course_id>/questions/export/",
        exchange.QuestionExportView.as_view(),
        name="course-questions-export",
    ),
    path(
        "courses/<id:course_id>/questions/<id:question_id>/",
        bank.QuestionDetailView.as_view(),
        name="course-question",
    ),
    path(
        "courses/<id:course_id>/questions/<id:question_id>/versions/",
        bank.QuestionVersionsView.as_view(),
        name="course-question-versions",
    ),
    path(
        "courses/<id:course_id>/questions/<id:question_id>/archive/",
        bank.QuestionArchiveView.as_view(),
        name="course-question-archive",
    ),
    path(
        "courses/<id:course_id>/quizzes/<id:quiz_id>/results/",
        results.ResultsView.as_view(),
        name="course-quiz-results",
    ),
    path(
        "courses/<id:course_id>/quizzes/<id:quiz_id>/analysis/",
        results.AnalysisView.as_view(),
        name="course-quiz-analysis",
    ),
    path(
        "courses/<id:course_id>/quizzes/<id:quiz_id>/roster/",
        results.RosterView.as_view(),
        name="course-quiz-roster",
    ),
    path(
        "courses/<id:course_id>/attempts/<id:attempt_id>/override/",
        grading.AttemptOverrideView.as_view(),
        name="course-attempt-override",
    ),
    path(
        "courses/<id:course_id>/accommodations/",
        accommodations.AccommodationListView.as_view(),
        name="course-accommodations",
    ),
    path(
        "courses/<id:course_id>/accommodations/<id:accommodation_id>/",
        accommodations.AccommodationDetailView.as_view(),
        name="course-accommodation",
    ),
    path(
        "courses/<id:course_id>/gradebook/",
        results.GradebookView.as_view(),
        name="course-gradebook",
    ),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
