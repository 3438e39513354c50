"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from quizzes.lti import views as lti_views

urlpatterns = [
    path("", include("quizzes.urls")),
    path("teach/", include("quizzes.urls_teach")),
    path("api/", include("quizzes.api.urls")),
    path("lti/", include("quizzes.lti.urls")),
    path(".well-known/jwks.json", lti_views.jwks, name="well_known_jwks"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler400 = "kzstudy.errors.bad_request"
handler403 = "kzstudy.errors.permission_denied"
handler404 = "kzstudy.errors.page_not_found"
handler500 = "kzstudy.errors.server_error"
