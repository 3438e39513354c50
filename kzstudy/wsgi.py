"""WSGI entry point: `gunicorn kzstudy.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzstudy.settings")
application = get_wsgi_application()
