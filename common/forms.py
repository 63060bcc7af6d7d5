"""The project's form renderer: `{{ field.as_field_group }}` renders templates/forms/field.html."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's own widgets, found through TEMPLATES (so a project template may override one),
    in the project's field group: label, widget, help and errors, tied by aria-describedby."""

    field_template_name = "forms/field.html"
