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


@register.simple_tag(takes_context=True)
def annotate_cards(context, objects, kind: str) -> str:
    """Let other apps add the learner's extras to a list's cards, in one batch.

    Call once before the loop over `objects` (core.cards explains it); renders
    nothing. The objects must be the same instances the loop then shows (a
    list or an evaluated page).
    """
    from core.cards import cards_annotate

    request = context.get("request")
    cards_annotate(kind=kind, user=getattr(request, "user", None), objects=objects)
    return ""


@register.simple_tag(takes_context=True)
def render_card(context, kind: str, obj) -> str:
    """The owning app's card of `obj` (core.cards' partial registry); "" if none."""
    from django.utils.safestring import mark_safe

    from core.cards import card_template

    found = card_template(kind)
    if found is None or obj is None:
        return ""
    template_name, name = found
    with context.push(**{name: obj}):
        html = get_template(template_name).render(
            context.flatten(), context.get("request")
        )
    return mark_safe(html)  # noqa: S308 (rendered by Django templates, escaped there)


def _widget_css(bound_field) -> str:
    from django import forms

    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        css = ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors and css:
        css += " is-invalid"
    return css


@register.simple_tag
def bootstrap_widget(bound_field) -> str:
    """Render a field's widget with Bootstrap's classes added to its own."""
    css = _widget_css(bound_field)
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()} if css or existing else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def widget_kind(bound_field) -> str:
    """ "check", "multicheck" or "" to pick the Bootstrap layout of a field."""
    from django import forms

    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "multicheck"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    return ""
