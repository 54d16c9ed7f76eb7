"""WSGI entry point: `gunicorn syslead.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syslead.settings")
application = get_wsgi_application()
# Objects created while loading the app live for the whole process: keep them out of the
# garbage collector's generations so collections during requests stay short.
gc.freeze()
