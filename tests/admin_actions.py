"""Run an admin bulk action as staff do, and read back what it said."""

from __future__ import annotations

from django.urls import reverse


def admin_action(
    client, model: str, action: str, records, language: str = "en"
) -> list[str]:
    """Post `action` on the change list of `model` ("app_label.model_name") for
    `records`; the messages the next page shows, in `language`."""
    app_label, model_name = model.split(".")
    response = client.post(
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        {"action": action, "_selected_action": [record.pk for record in records]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]
