"""Seed a year's worth of data, to show a learner's request costs the same on a full database.

Run as `manage.py shell -c "$(cat benchmarks/seed_volume.py)"` (attempts_extra.sh does) on a
throwaway database that already has the demo course. Adds SEED_LEARNERS learners (default
10,000) enrolled in the course of the quiz PERF_QUIZ_ID, each with SEED_ATTEMPTS submitted
attempts (default 5) of SEED_QUESTIONS responses (default 20) and one step each: 1,000,000
responses and 1,000,000 steps by default. Rows are made by INSERT … SELECT in the database
(SQLite and PostgreSQL alike), then the tables are analysed so plans see their real sizes.
Prints one line: SEED {json}.
"""

import json
import os
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from quizzes.models import Attempt, Enrolment, Question, Quiz, Response, ResponseStep

LEARNERS = int(os.environ.get("SEED_LEARNERS", "10000"))
ATTEMPTS = int(os.environ.get("SEED_ATTEMPTS", "5"))
QUESTIONS = int(os.environ.get("SEED_QUESTIONS", "20"))
began = time.perf_counter()
quiz = Quiz.objects.get(pk=int(os.environ["PERF_QUIZ_ID"]))
course_id = Enrolment.objects.filter(user__username="student").values_list("course", flat=True)[0]
picked = list(
    Question.objects.published()
    .filter(current_version__isnull=False)
    .order_by("pk")
    .values_list("pk", "current_version")[:QUESTIONS]
)
quote = connection.ops.quote_name
when = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=30))
later = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=30, minutes=-20))
NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "


def table(model) -> str:
    return quote(model._meta.db_table)


user_table = table(get_user_model())
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute(
        NUMBERS + f"INSERT INTO {user_table} (password, is_superuser, username, first_name, "
        "last_name, email, is_staff, is_active, date_joined) "
        "SELECT '!', %s, 'volume_' || i, '', '', '', %s, %s, %s FROM n",
        [LEARNERS, False, False, True, when],
    )
    volume = f"SELECT id FROM {user_table} WHERE username LIKE 'volume\\_%%' ESCAPE '\\'"
    cursor.execute(
        f"INSERT INTO {table(Enrolment)} (course_id, user_id, role, created_at) "
        f"SELECT %s, id, 'learner', %s FROM ({volume}) u",
        [course_id, when],
    )
    cursor.execute(
        NUMBERS + f"INSERT INTO {table(Attempt)} (quiz_id, user_id, course_id, number, state, "
        "started_at, deadline, submitted_at, score, max_score) "
        f"SELECT %s, u.id, %s, n.i, 'submitted', %s, %s, %s, %s, %s FROM ({volume}) u CROSS JOIN n",
        [ATTEMPTS, quiz.pk, course_id, when, later, later, QUESTIONS, QUESTIONS],
    )
    positions = ", ".join(f"({n}, {q}, {v})" for n, (q, v) in enumerate(picked, start=1))
    seeded = f"SELECT id FROM {table(Attempt)} WHERE user_id IN ({volume})"
    cursor.execute(
        f"INSERT INTO {table(Response)} (attempt_id, position, question_id, question_version_id, "
        "max_mark, choice_order, answer, state, fraction, score, is_flagged, updated_at) "
        f"SELECT a.id, q.column1, q.column2, q.column3, 1, '[]', '{{\"choice\": \"seed\"}}', "
        f"'correct', 1, 1, %s, %s FROM ({seeded}) a CROSS JOIN (VALUES {positions}) q",
        [False, later],
    )
    cursor.execute(
        f"INSERT INTO {table(ResponseStep)} (response_id, seq, kind, data, state, fraction, "
        f"created_at) SELECT r.id, 1, 'submit', '{{}}', 'correct', 1, %s "
        f"FROM {table(Response)} r WHERE r.attempt_id IN ({seeded})",
        [later],
    )
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(
    "SEED "
    + json.dumps(
        {
            "learners": get_user_model().objects.count(),
            "attempts": Attempt.objects.count(),
            "responses": Response.objects.count(),
            "steps": ResponseStep.objects.count(),
            "seconds": round(time.perf_counter() - began, 1),
        }
    )
)
