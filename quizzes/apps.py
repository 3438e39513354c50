"""The quizzes app: content, question bank, delivery, grading and study."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    """Registers the question types, connects the LTI package's signal receivers and guards
    every admin page when Django starts."""

    name = "quizzes"
    verbose_name = _("kzstudy quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Explicit import so every question type registers before a request needs it.
        from django.urls import register_converter

        from . import qtypes  # noqa: F401
        from . import receivers as core_receivers  # noqa: F401  (study cards after a submission)
        from .converters import IdConverter
        from .lti import receivers as lti_receivers  # noqa: F401  (the grade outbox)
        from .lti import tasks  # noqa: F401  (a queued grade enqueues a sweep on commit)

        register_converter(IdConverter, "id")
        # After the admin's autodiscovery (its app is listed first): every admin, other apps'
        # included, refuses a forged action selection with a 400 rather than a 500.
        from django.contrib import admin

        from .admin_guard import guard_registered_admins

        guard_registered_admins(admin.site)
