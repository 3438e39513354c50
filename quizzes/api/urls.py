"""API URLs: /api/v1/… and the OpenAPI schema with its interactive docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views_attempts as attempts
from . import views_content as content
from . import views_tokens as tokens

v1 = [
    path("me/", attempts.MeView.as_view(), name="me"),
    path("quizzes/", attempts.QuizListView.as_view(), name="quizzes"),
    path(
        "quizzes/<int:quiz_id>/attempts/", attempts.AttemptStartView.as_view(), name="attempt-start"
    ),
    path("attempts/", attempts.AttemptListView.as_view(), name="attempts"),
    path("attempts/<int:attempt_id>/", attempts.AttemptDetailView.as_view(), name="attempt"),
    path(
        "attempts/<int:attempt_id>/answers/<int:question_id>/",
        attempts.AnswerView.as_view(),
        name="answer",
    ),
    path(
        "attempts/<int:attempt_id>/answers/<int:question_id>/check/",
        attempts.CheckView.as_view(),
        name="answer-check",
    ),
    path("attempts/<int:attempt_id>/submit/", attempts.SubmitView.as_view(), name="attempt-submit"),
    path("articles/", content.ArticleListView.as_view(), name="articles"),
    path("articles/<slug:slug>/", content.ArticleDetailView.as_view(), name="article"),
    path(
        "articles/<slug:slug>/sections/<slug:section>/",
        content.SectionDetailView.as_view(),
        name="section",
    ),
    path("articles/<slug:slug>/glossary/", content.GlossaryView.as_view(), name="glossary"),
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:token_id>/", tokens.TokenDetailView.as_view(), name="token"),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
