"""Carry the sessions of Django's table over, so an upgrade signs nobody out."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, migrations
from django.utils import timezone

BATCH = 1000


def copy_sessions(apps, schema_editor):
    if "django_session" not in connection.introspection.table_names():
        return
    old = apps.get_model("sessions", "Session")
    new = apps.get_model("user_sessions", "UserSession")
    users = set(apps.get_model("auth", "User").objects.values_list("pk", flat=True))
    decoder = SessionStore()  # the same signing salt as the store that wrote them
    rows = []
    for session in old.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            user_id = int(decoder.decode(session.session_data).get(SESSION_KEY))
        except (TypeError, ValueError):
            user_id = None
        rows.append(
            new(
                session_key=session.session_key,
                session_data=session.session_data,
                expire_date=session.expire_date,
                user_id=user_id if user_id in users else None,
            )
        )
        if len(rows) >= BATCH:
            new.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    new.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("user_sessions", "0001_initial"),
        ("sessions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(copy_sessions, migrations.RunPython.noop, elidable=True)]
