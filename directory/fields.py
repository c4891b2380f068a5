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


class ServiceAreaFormField(forms.CharField):
    """Postcodes or municipality names, typed; shown back as "3000 Leuven, 3010 Kessel-Lo"."""

    def prepare_value(self, value):
        from directory.eligibility import area_labels

        if isinstance(value, list):
            return ", ".join(area_labels(value))
        return value

    def to_python(self, value):
        from directory.eligibility import parse_service_area

        if isinstance(value, list):
            return value
        return parse_service_area(super().to_python(value))

    def has_changed(self, initial, data):
        try:
            return sorted(initial or []) != self.to_python(data)
        except ValidationError:
            return True


class PostcodeListField(models.JSONField):
    """A list of postcodes (a service area), typed as postcodes or municipality names."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": ServiceAreaFormField,
            "required": not self.blank,
            "widget": forms.TextInput,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class RegionListFormField(forms.CharField):
    """Municipalities or provinces, typed and separated by commas ("Gent, Antwerpen, Liège")."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        from directory.regions import parse_regions

        if isinstance(value, list):
            return value
        return parse_regions(super().to_python(value))

    def has_changed(self, initial, data):
        try:
            return list(initial or []) != self.to_python(data)
        except ValidationError:
            return True


class RegionListField(models.JSONField):
    """A list of region names (municipalities or provinces) a project focuses on, as the
    gazetteer spells them; unlike a service area it does not limit who may use the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": RegionListFormField,
            "required": not self.blank,
            "widget": forms.TextInput,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
