"""The attempt path writes fewer index entries (issue #12).

Six foreign keys lose the index Django gives each by default: a composite index or unique
constraint already leads with each of them, so every lookup and every ON DELETE check still
has an index, and every start, save and submission writes one index entry fewer per row.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0017_response_state_incomplete'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='attempt',
            name='quiz',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='attempts', to='quizzes.quiz'),
        ),
        migrations.AlterField(
            model_name='attempt',
            name='user',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='quiz_attempts', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='quizgrade',
            name='course',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='quiz_grades', to='quizzes.course'),
        ),
        migrations.AlterField(
            model_name='quizgrade',
            name='quiz',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='grades', to='quizzes.quiz'),
        ),
        migrations.AlterField(
            model_name='response',
            name='attempt',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='quizzes.attempt'),
        ),
        migrations.AlterField(
            model_name='responsestep',
            name='response',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='quizzes.response'),
        ),
    ]
