from django.apps import AppConfig


class UserSessionsConfig(AppConfig):
    name = "kzstudy.user_sessions"
    label = "user_sessions"
    verbose_name = "Sessions"
    default_auto_field = "django.db.models.BigAutoField"
