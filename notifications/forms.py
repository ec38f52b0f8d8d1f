"""Forms of the notification pages: validation only, the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import registry, services


class MarkReadForm(forms.Form):
    """Which notifications to mark read: some ids, or none for all."""

    go = forms.CharField(required=False, max_length=500)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self._raw_ids = data.getlist("id") if data is not None else []

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["ids"] = (
                services.clean_ids(self._raw_ids) if self._raw_ids else None
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


CHANNEL_LABELS = {
    registry.IN_APP: _("In the site"),
    registry.EMAIL: _("Email at once"),
    registry.DIGEST: _("Email digest"),
}


class PreferencesForm(forms.Form):
    """One checkbox per topic and channel, built from the registry."""

    def __init__(self, *args, matrix: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in matrix:
            topic = row["topic"]
            cells = []
            for channel in registry.CHANNELS:
                name = f"{topic.key}__{channel}"
                locked = row["locked"][channel]
                self.fields[name] = forms.BooleanField(
                    label=f"{topic.label}: {CHANNEL_LABELS[channel]}",
                    required=False,
                    initial=row["channels"][channel],
                    disabled=locked,
                )
                cells.append((channel, name))
            self.rows.append((topic, cells))

    def choices(self) -> dict[str, dict[str, bool]]:
        """``{topic: {channel: on}}`` for ``services.preferences_update``."""
        result: dict[str, dict[str, bool]] = {}
        for topic, cells in self.rows:
            result[topic.key] = {
                channel: bool(self.cleaned_data.get(name)) for channel, name in cells
            }
        return result

    def table(self):
        """Rows for the template: the topic and its bound checkboxes."""
        return [
            (topic, [self[name] for _c, name in cells]) for topic, cells in self.rows
        ]
