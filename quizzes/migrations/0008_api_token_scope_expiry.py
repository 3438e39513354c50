"""API tokens get a scope and an expiry.

Tokens made before this had full access and no end: they keep `write`, and expire 90 days after
this migration runs, so integrations keep working for a while but no token lives for ever.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

LEGACY_LIFETIME = timedelta(days=90)


def give_existing_tokens_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("quizzes", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + LEGACY_LIFETIME
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0007_lti"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read"), ("write", "read and write")],
                default="write",
                max_length=10,
                verbose_name="scope",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Recorded at most once an hour.",
                null=True,
                verbose_name="last used at",
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("scope__in", ["read", "write"])),
                name="api_token_scope_known",
            ),
        ),
    ]
