"""URLs of the quizzes app."""

from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:article>/<slug:section>/", views.section_detail, name="section"),
]
