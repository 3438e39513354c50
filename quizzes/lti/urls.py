"""LTI URLs: these paths are part of the contract with platforms (docs/lti.md)."""

from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("register/", views.register_view, name="register"),
    # A one-time registration link from a site administrator (trust.py).
    path("register/<str:invite>/", views.register_view, name="register_invite"),
    path("config.json", views.config_json, name="config"),
    path("deep-link/", views.deep_link_submit, name="deep_link_submit"),
]
