"""Model fields for lists of codes (stored as JSON, so SQLite and PostgreSQL alike, and page
revisions keep them as plain lists), edited as checkboxes or as typed postcodes."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class ChoiceListField(models.JSONField):
    """A list of codes from a fixed set of choices (`choice_class`), edited as checkboxes."""

    choice_class: type[models.TextChoices]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": self.choice_class.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [v for v in value or [] if v not in self.choice_class.values]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_choice"], params={"value": ", ".join(unknown)}
            )


class ResidenceStatusListField(ChoiceListField):
    def __init__(self, *args, **kwargs):
        from directory.eligibility import ResidenceStatus

        self.choice_class = ResidenceStatus
        super().__init__(*args, **kwargs)


class DocumentListField(ChoiceListField):
    def __init__(self, *args, **kwargs):
        from directory.eligibility import DocumentType

        self.choice_class = DocumentType
        super().__init__(*args, **kwargs)


class TypedListFormField(forms.CharField):
    """A list typed as text, separated by commas: `parse` turns the text into the list (or
    raises a ValidationError naming what it does not know), `show` the list back into text.
    `ordered`: whether the order typed matters (else a reordering is no change)."""

    ordered = False

    def parse(self, text: str) -> list[str]:  # pragma: no cover - interface
        raise NotImplementedError

    def show(self, values: list[str]) -> list[str]:
        return values

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(self.show(value))
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return self.parse(super().to_python(value))

    def has_changed(self, initial, data):
        initial = list(initial or [])
        try:
            return (initial if self.ordered else sorted(initial)) != self.to_python(data)
        except ValidationError:
            return True


class ServiceAreaFormField(TypedListFormField):
    """Postcodes or municipality names, typed; shown back as "3000 Leuven, 3010 Kessel-Lo"."""

    def parse(self, text):
        from directory.eligibility import parse_service_area

        return parse_service_area(text)

    def show(self, values):
        from directory.eligibility import area_labels

        return area_labels(values)


class RegionListFormField(TypedListFormField):
    """Municipalities or provinces, typed and separated by commas ("Gent, Antwerpen, Liège")."""

    ordered = True

    def parse(self, text):
        from directory.regions import parse_regions

        return parse_regions(text)


class TypedListField(models.JSONField):
    """A list of codes or names stored as JSON, edited as text (`form_class`)."""

    form_class: type[TypedListFormField]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": self.form_class,
            "required": not self.blank,
            "widget": forms.TextInput,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class PostcodeListField(TypedListField):
    """A list of postcodes (a service area), typed as postcodes or municipality names."""

    form_class = ServiceAreaFormField


class RegionListField(TypedListField):
    """A list of region names (municipalities or provinces) a project focuses on, as the
    gazetteer spells them; unlike a service area it does not limit who may use the service."""

    form_class = RegionListFormField
