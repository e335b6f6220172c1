"""The bases of every form: WTForms' own messages in Chinese, and typed text cleaned of the
characters nobody types."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, StringField
from wtforms.meta import DefaultMeta

from tracker.text import strip_controls


class _Meta:
    locales = ("zh",)  # "Not a valid choice." → 不是有效的选择。, lengths, dates, …

    def get_translations(self, form):
        # WTForms' own catalogues (Flask-WTF's hook would want Flask-Babel).
        return DefaultMeta.get_translations(self, form)

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):  # text, text areas, passwords, hidden
            unbound_field.kwargs["filters"] = (strip_controls, *unbound_field.kwargs.get("filters", ()))
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """A page's form (with its CSRF token)."""

    Meta = type("Meta", (_Meta,), {})


class BaseSubForm(Form):
    """A form repeated inside another (FormField), such as a task of the import preview."""

    Meta = type("Meta", (_Meta,), {})
