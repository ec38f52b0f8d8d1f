import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")
application = get_wsgi_application()

# With DEBUG off, unsafe settings stop the server here (core/checks.py).
from core.checks import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()

# One-off costs (lazy imports, jieba's dictionary, templates) paid now, in a
# thread, rather than by the first visitors (core/warmup.py).
from core import warmup  # noqa: E402
from kpplatform.celery import warm_task_client  # noqa: E402

warmup.register(warm_task_client, name="task client", order=40)
warmup.start()
