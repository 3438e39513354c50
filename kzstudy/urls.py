"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from kzstudy import health
from quizzes.lti import views as lti_views


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and feed readers ask for /favicon.ico whatever the pages link. The static URL
    is looked up per request: the hashed name exists only once collectstatic has run."""
    return HttpResponsePermanentRedirect(static("kzstudy/favicon.svg"))


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", favicon),
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
