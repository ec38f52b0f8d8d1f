"""Template extension points shared by every app."""

import re
import zoneinfo
from datetime import timedelta

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from core import timezones

register = template.Library()


#: slot name -> the `<app>/slots/<name>.html` templates that exist, in app order.
#: Looked up once per process: asking every app for a template it does not have
#: cost a failed lookup per app for every card of every list (with DEBUG on, a
#: copied exception each). Emptied when a template file changes under the
#: development server or when the apps or template settings change in tests.
_SLOT_TEMPLATES: dict[str, tuple[str, ...]] = {}


def slot_templates_forget(**kwargs) -> None:
    _SLOT_TEMPLATES.clear()


def _slot_templates(name: str) -> tuple[str, ...]:
    found = _SLOT_TEMPLATES.get(name)
    if found is None:
        from django.apps import apps

        names = []
        for config in apps.get_app_configs():
            template_name = f"{config.label}/slots/{name}.html"
            try:
                get_template(template_name)
            except TemplateDoesNotExist:
                continue
            names.append(template_name)
        found = _SLOT_TEMPLATES[name] = tuple(names)
    return found


_SLOT_TAG = re.compile(r"""{%\s*slot\s+["']([\w-]+)["']""")


def slot_templates_warm() -> int:
    """Look up which apps fill each slot the project's templates offer, as
    their first renders would (core.warmup): a slot's first render asked every
    installed app for its template (34 failed lookups, a copied exception
    each with DEBUG on). Returns how many slots."""
    from core.warmup import project_templates

    names = set()
    for _engine, _name, path in project_templates():
        names.update(_SLOT_TAG.findall(path.read_text(encoding="utf-8")))
    for name in sorted(names):
        _slot_templates(name)
    return len(names)


@register.simple_tag(takes_context=True)
def slot(context, name: str) -> str:
    """Render every app's `<app>/slots/<name>.html` that exists, in app order.

    A page owned by one app offers a named slot (`{% slot "course_page" %}`);
    apps that read it (recommendations, rewards, community) fill it without the
    page's app importing them. Each slot template gets the page's context.
    """
    from django.utils.safestring import mark_safe

    names = _slot_templates(name)
    if not names:
        return ""
    flat = context.flatten()
    request = context.get("request")
    parts = [get_template(n).render(flat, request) for n in names]
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


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, groups, vary):
        self.nodelist, self.name, self.groups, self.vary = nodelist, name, groups, vary

    def render(self, context) -> str:
        from core.pagecache import fragment_get_or_render

        return fragment_get_or_render(
            name=self.name.resolve(context),
            groups=self.groups.resolve(context).split(),
            vary=[value.resolve(context) for value in self.vary],
            render=lambda: self.nodelist.render(context),
        )


@register.tag
def shared_fragment(parser, token):
    """Keep a part of a page that all viewers with the same values share.

        {% shared_fragment "course-body" "courses community" course.pk can_open %}
        ...{% endshared_fragment %}

    The key is the name, the language, the time zone, the generations of the
    page-cache groups named (core.pagecache: bumped by the events that change
    them) and the values that follow. Everything inside must depend on those
    alone: what is one viewer's (their enrolment, stars, forms) stays outside.
    A fragment holding a CSRF token is rendered every time, never shared.
    """
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, the groups and the values it varies on"
        )
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    name, groups, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return SharedFragmentNode(nodelist, name, groups, vary)


@register.filter
def zone_label(moment, zone_name: str = "") -> str:
    """`(Beijing time)` / `(UTC+2)` after a time shown in the viewer's zone:
    `{{ lecture.starts_at|date:"DATETIME_FORMAT" }} {{ lecture.starts_at|zone_label }}`.

    With a zone name, that zone at `moment` instead: a wall-clock window
    published in an expert's own zone, `{{ next|zone_label:availability.time_zone }}`.
    """
    if moment is None:
        return ""
    zone = timezone.get_current_timezone()
    if zone_name:
        try:
            zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return ""
    return format_html(
        '<span class="text-body-secondary text-nowrap" title="{}" data-testid="time-zone">{}</span>',
        zone_name or timezone.get_current_timezone_name(),
        timezones.in_parentheses(timezones.zone_label(moment, zone)),
    )


@register.filter
def datetime_with_zone(moment) -> str:
    """Date, time and zone as plain text, for inside a sentence:
    `{% blocktranslate with opens=x|datetime_with_zone %}…at {{ opens }}.{% endblocktranslate %}`."""
    if moment is None:
        return ""
    return timezones.datetime_with_zone(moment)


@register.filter
def ago(moment) -> str:
    """How long ago `moment` was, in its largest unit: "6 minutes ago" / "6 分钟前",
    "3 days ago" / "3 天前"; under a minute (or a clock a little ahead) "just now".

    Django's naturaltime reads two ways in Chinese on one page: 6分钟之前 under a
    day, 3 天，21 小时前 above it. Every relative time of the site goes through here.
    """
    if moment is None:
        return ""
    now = timezone.now()
    if moment > now - timedelta(minutes=1):
        return _("just now")
    return _("%(when)s ago") % {"when": timesince(moment, now, depth=1)}
