"""Drop the foreign-key indexes that an index beginning with the same column already serves.

Every start writes an attempt and its responses, every saved answer a step, every submission a
step per question: each index on those tables is one more write each time (issue #12). The
lookups by these columns use the unique constraints and indexes that begin with them. The
actor's index is kept only where a step has an actor (a teacher's mark): a learner's own steps
have none.

The indexes are dropped by name (`IF EXISTS`: PostgreSQL never had some of them), not by
altering the fields, which on SQLite would copy each whole table to a new one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, index, column) of each redundant index, as Django named it when it created it.
REDUNDANT = [
    ("quizzes_attempt", "quizzes_attempt_quiz_id_5dc3f292", "quiz_id"),
    ("quizzes_attempt", "quizzes_attempt_user_id_ef81d7e3", "user_id"),
    ("quizzes_response", "quizzes_response_attempt_id_3504bb54", "attempt_id"),
    ("quizzes_responsestep", "quizzes_responsestep_response_id_9a274e87", "response_id"),
    ("quizzes_responsestep", "quizzes_responsestep_actor_id_3096660c", "actor_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0017_response_state_incomplete"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
                )
                for table, index, column in REDUNDANT
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="attempt",
                    name="quiz",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attempts",
                        to="quizzes.quiz",
                    ),
                ),
                migrations.AlterField(
                    model_name="attempt",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="quiz_attempts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="response",
                    name="attempt",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responses",
                        to="quizzes.attempt",
                    ),
                ),
                migrations.AlterField(
                    model_name="responsestep",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="responsestep",
                    name="response",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps",
                        to="quizzes.response",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="responsestep",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="step_actor_when_set",
            ),
        ),
    ]
