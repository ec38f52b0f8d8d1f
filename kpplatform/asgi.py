import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")
application = get_asgi_application()

# With DEBUG off, unsafe settings stop the server here (core/checks.py).
from core.checks import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()
