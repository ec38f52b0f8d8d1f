"""Forms: validate input for the views; the services enforce the rules again."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .models import Report, Space, Thread
from .services import MAX_BODY_CHARS, MAX_TITLE_CHARS

BODY_HELP = _(
    "Markdown: **bold**, `code`, ```fenced code```, [links](https://…), images."
)


def _mention_attrs(**attrs) -> dict:
    """A text box that suggests accounts after "@" (static/js/mentions.js)."""
    return {
        **attrs,
        "data-mentions": reverse_lazy("accounts:handle_search"),
        "data-mentions-label": _("People to mention"),
    }


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=MAX_BODY_CHARS,
        strip=True,
        help_text=BODY_HELP,
        widget=forms.Textarea(
            attrs=_mention_attrs(rows=8, **{"class": "form-control font-monospace"})
        ),
        error_messages={
            "required": _("Write something before posting."),
            "max_length": _(
                "Posts are limited to %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
    )


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Thread.Kind.choices,
        initial=Thread.Kind.QUESTION,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        min_length=4,
        max_length=MAX_TITLE_CHARS,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"required": _("Give the thread a title.")},
    )
    body = _body_field(_("Details"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Up to 5, separated by commas or spaces."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class PostForm(forms.Form):
    body = _body_field(_("Your answer"))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(
            attrs=_mention_attrs(rows=2, **{"class": "form-control"})
        ),
        error_messages={"required": _("Write something before posting.")},
    )


class EditForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=MAX_TITLE_CHARS,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    body = _body_field(_("Text"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Up to 5, separated by commas or spaces."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class SpaceSettingsForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who can see this space"),
        choices=Space.Visibility.choices,
        widget=forms.RadioSelect,
    )


class SuspendForm(forms.Form):
    """The admin's intermediate page for "suspend for N days"."""

    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650, initial=7)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
