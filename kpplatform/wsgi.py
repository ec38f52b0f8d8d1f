import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")
application = get_wsgi_application()

# With DEBUG off, unsafe settings stop the server here (kpplatform/checks.py).
from kpplatform.checks import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()
