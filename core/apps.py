from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared code every app uses: events, schedules, template tags, health, base views.

    One model only: the task outbox (core/tasks.py), shared infrastructure.
    """

    name = "core"
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.utils.autoreload import file_changed

        from . import checks  # noqa: F401  (registers the production checks)
        from .templatetags.platform_tags import (
            slot_templates_forget,
            slot_templates_warm,
        )
        from .views import home_blocks

        def forget_templates(**kwargs) -> None:
            # Which apps fill a slot or a home block is looked up once; a new
            # template file (development server) or other settings (tests)
            # must be seen.
            slot_templates_forget()
            home_blocks.cache_clear()

        for signal in (file_changed, setting_changed):
            signal.connect(
                forget_templates, weak=False, dispatch_uid="core_forget_templates"
            )
        from . import warmup
        from .money import warm_formats

        # Which apps fill each template slot (after the templates: order 10).
        warmup.register(slot_templates_warm, name="template slots", order=12)

        # Babel reads a language's number formats on the first price shown in it.
        warmup.register(warm_formats, name="money formats", order=20)
