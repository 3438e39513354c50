"""Instructor URLs, all under /teach/<course>/ (namespace "teach")."""

from django.urls import include, path

from .views.teach import (
    accommodations,
    attempts,
    bank,
    dashboard,
    exchange,
    gradebook,
    quizzes,
    regrade,
    results,
    roster,
)

app_name = "teach"

urlpatterns = [
    path("<slug:course>/", include(dashboard.urlpatterns)),
    path("<slug:course>/", include(bank.urlpatterns)),
    path("<slug:course>/", include(quizzes.urlpatterns)),
    path("<slug:course>/", include(exchange.urlpatterns)),
    path("<slug:course>/", include(results.urlpatterns)),
    path("<slug:course>/", include(attempts.urlpatterns)),
    path("<slug:course>/", include(gradebook.urlpatterns)),
    path("<slug:course>/", include(regrade.urlpatterns)),
    path("<slug:course>/", include(roster.urlpatterns)),
    path("<slug:course>/", include(accommodations.urlpatterns)),
]
