"""factory_boy / wagtail-factories factories for the directory, shared by the tests."""

from datetime import time

import factory
import wagtail_factories
from wagtail.models import Locale

from directory.models import (
    Language,
    LocationPage,
    Need,
    NeedLabel,
    OpeningHours,
    OrganisationPage,
    ServicePage,
    TargetGroup,
    TargetGroupLabel,
)


class NeedFactory(factory.django.DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"need-{n}")
    pictogram = "other"

    class Meta:
        model = Need
        skip_postgeneration_save = True

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        """labels={"nl": ("Wonen", "woning, huis"), "fr": ("Logement", "")}"""
        for language, value in (extracted or {"nl": (self.slug, "")}).items():
            label, synonyms = value if isinstance(value, tuple) else (value, "")
            NeedLabel.objects.create(need=self, language=language, label=label, synonyms=synonyms)


class TargetGroupFactory(factory.django.DjangoModelFactory):
    slug = factory.Sequence(lambda n: f"group-{n}")

    class Meta:
        model = TargetGroup
        skip_postgeneration_save = True

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        for language, label in (extracted or {"nl": self.slug}).items():
            TargetGroupLabel.objects.create(target_group=self, language=language, label=label)


class LanguageFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: ["nl", "fr", "en", "ar", "prs", "ti", "uk"][n % 7])
    native_name = factory.LazyAttribute(lambda o: o.code)

    class Meta:
        model = Language
        django_get_or_create = ("code",)


class OrganisationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Organisation {n}")
    short_description = "Helps newcomers find their way."
    organisation_type = "ngo"
    phone = "016 12 34 56"

    class Meta:
        model = OrganisationPage


class LocationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Location {n}")
    street = "Diestsestraat"
    house_number = "1"
    postcode = "3000"
    municipality = "Leuven"
    latitude = "50.880000"
    longitude = "4.705000"
    coordinate_precision = "address"

    class Meta:
        model = LocationPage


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    weekday = 0
    opens = time(9, 0)
    closes = time(12, 0)

    class Meta:
        model = OpeningHours


class ServicePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Service {n}")
    summary = "Plain-language help."

    class Meta:
        model = ServicePage
        skip_postgeneration_save = True

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if extracted:
            self.needs.set(extracted)
            self.save()


def publish(page):
    """Publish a page's current state as a revision (so aliases follow it)."""
    page.save_revision().publish()
    return page


def alias_everywhere(page):
    """What the admin does on creation: an alias in every other locale."""
    for locale in Locale.objects.exclude(pk=page.locale_id):
        if not page.has_translation(locale):
            page.copy_for_translation(locale, copy_parents=True, alias=True)
    return page
