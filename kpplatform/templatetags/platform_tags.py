"""Template extension points shared by every app."""

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str) -> str:
    """Render every app's `<app>/slots/<name>.html` that exists, in app order.

    A page owned by one app offers a named slot (`{% slot "course_page" %}`);
    apps that read it (recommendations, rewards, community) fill it without the
    page's app importing them. Each slot template gets the page's context.
    """
    from django.apps import apps

    parts = []
    for config in apps.get_app_configs():
        try:
            slot_template = get_template(f"{config.label}/slots/{name}.html")
        except TemplateDoesNotExist:
            continue
        parts.append(slot_template.render(context.flatten(), context.get("request")))
    from django.utils.safestring import mark_safe

    return mark_safe("".join(parts))  # noqa: S308 (rendered by Django templates, escaped there)
