"""The site-wide form renderer: `{{ form }}` renders with Bootstrap 5 markup."""

from django.forms.renderers import DjangoTemplates


class BootstrapFormRenderer(DjangoTemplates):
    form_template_name = "includes/forms/form.html"
    field_template_name = "includes/forms/field.html"
