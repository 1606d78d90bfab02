"""WSGI entry point: gunicorn serves ``koepel.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koepel.settings")
application = get_wsgi_application()
