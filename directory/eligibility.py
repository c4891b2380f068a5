"""Structured eligibility: who can use a service, beside the free text.

A service may be limited to some residence statuses, an age range, one gender (when that is
relevant, e.g. a shelter for women) and the people living in a service area (postcodes); it
lists the documents to bring. An empty rule means "no limit", so a service that says nothing
is open to everyone.

A coach describes the client once (status, age, where they live, gender) and search keeps only
the services the client can use; `failing()` says why a service is left out, so the search page
can tell how many were hidden and why. Both search backends apply the same rules to the same
document fields (search.documents), and this module is where the rules live.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from directory.geocoding import municipality_postcodes, postcode_label, postcode_places

MAX_AGE = 120
MAX_AREA_POSTCODES = 400


class ResidenceStatus(models.TextChoices):
    RECOGNISED_REFUGEE = "recognised_refugee", _("Recognised refugee")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _("Subsidiary protection")
    TEMPORARY_PROTECTION = "temporary_protection", _("Temporary protection (Ukraine)")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker in procedure")
    UNDOCUMENTED = "undocumented", _("Undocumented")
    OTHER_RESIDENCE = "other_residence", _("Other legal residence (work, study, family)")
    EU_CITIZEN = "eu_citizen", _("EU citizen")
    NATIONAL = "national", _("Belgian or Dutch national")


class Gender(models.TextChoices):
    WOMEN = "women", _("Women and girls")
    MEN = "men", _("Men and boys")


class DocumentType(models.TextChoices):
    RESIDENCE_CARD = "residence_card", _("Residence card")
    IDENTITY = "identity", _("Identity card or passport")
    ASYLUM_PROOF = "asylum_proof", _("Proof of the asylum application (annex 26, orange card)")
    PROOF_OF_ADDRESS = "proof_of_address", _("Proof of address")
    INCOME_PROOF = "income_proof", _("Proof of income (pay slips, benefits)")
    BANK_DETAILS = "bank_details", _("Bank card or account number")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance card or stickers")
    RENTAL_CONTRACT = "rental_contract", _("Rental contract")
    MEDICAL_PAPERS = "medical_papers", _("Medical papers or prescriptions")
    REFERRAL_LETTER = "referral_letter", _("Referral letter")
    SCHOOL_CERTIFICATES = "school_certificates", _("Diplomas or school reports")
    CHILDRENS_DOCUMENTS = "childrens_documents", _("Children's documents (birth certificate)")


def document_pictogram(code: str) -> str:
    return static(f"directory/documents/{code}.svg")


# Why a service is not for a client, in the order the search page names them.
REASONS = ("status", "age", "area", "gender")
# A pathway reserved for partners (directory.pathways) the coach's organisation is not one
# of: checked, and counted, only for a signed-in coach who describes a client.
PATHWAY = "pathway"
REASON_LABELS = {
    "status": _("not for this residence status"),
    "age": _("not for this age"),
    "area": _("outside the service area"),
    "gender": _("not for this gender"),
    PATHWAY: _("only through a referral from partner organisations"),
}


@dataclass(frozen=True)
class Client:
    """What a coach tells search about a client; nothing of it is stored."""

    status: str = ""
    age: int | None = None
    postcodes: frozenset[str] = frozenset()
    gender: str = ""
    # Not typed: the organisations (translation keys) the signed-in coach refers from.
    organisations: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.status or self.age is not None or self.postcodes or self.gender)

    @property
    def checks_pathway(self) -> bool:
        """Whether reserved pathways count: a coach with an organisation describes a client."""
        return bool(self) and bool(self.organisations)


def checked_reasons(client: Client) -> tuple[str, ...]:
    """The reasons a search for this client checks (and counts), in the page's order."""
    return REASONS + ((PATHWAY,) if client.checks_pathway else ())


def rules(service) -> dict:
    """A service's eligibility as plain data (what search documents carry)."""
    return {
        "statuses": sorted(service.residence_statuses or []),
        "age_min": service.age_min,
        "age_max": service.age_max,
        "gender": service.gender or None,
        "service_area": sorted(service.service_area or []),
    }


def failing(rules: dict, client: Client) -> list[str]:
    """The reasons (see REASONS) why a client cannot use a service with these rules; empty
    when they can. A rule the service leaves empty never excludes anyone."""
    reasons = []
    statuses = rules.get("statuses") or []
    if client.status and statuses and client.status not in statuses:
        reasons.append("status")
    if client.age is not None:
        low, high = rules.get("age_min"), rules.get("age_max")
        if (low is not None and client.age < low) or (high is not None and client.age > high):
            reasons.append("age")
    area = rules.get("service_area") or []
    if client.postcodes and area and not client.postcodes & set(area):
        reasons.append("area")
    gender = rules.get("gender")
    if client.gender and gender and gender != client.gender:
        reasons.append("gender")
    reserved = rules.get("referral_from") or []
    if client.checks_pathway and reserved and not client.organisations & set(reserved):
        reasons.append(PATHWAY)
    return reasons


def age_range_errors(age_min, age_max) -> dict[str, ValidationError]:
    errors = {}
    for name, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= MAX_AGE:
            errors[name] = ValidationError(
                _("Give an age from 0 to %(max)s."), params={"max": MAX_AGE}
            )
    if not errors and age_min is not None and age_max is not None and age_max < age_min:
        errors["age_max"] = ValidationError(
            _(
                "The highest age (%(high)s) is below the lowest age (%(low)s): swap them, e.g. "
                "18 to 40."
            ),
            params={"low": age_min, "high": age_max},
        )
    return errors


def parse_service_area(text: str) -> list[str]:
    """Postcodes from what an editor types: postcodes or municipality names separated by
    commas ("3000, Kessel-Lo, Herent"); a municipality brings all its postcodes. Raises a
    ValidationError naming what is not known."""
    postcodes: set[str] = set()
    unknown = []
    for part in (p.strip() for p in (text or "").replace(";", ",").split(",")):
        if not part:
            continue
        # "3010 Kessel-Lo" as shown back to the editor: the postcode says it all.
        head = part.split()[0]
        places = postcode_places(head) if head.isdigit() else municipality_postcodes(part)
        if not places:
            unknown.append(part)
        postcodes.update(p.postcode for p in places)
    if unknown:
        raise ValidationError(
            _("We do not know %(places)s. Use postcodes (e.g. 3000) or municipality names."),
            params={"places": ", ".join(f"“{u}”" for u in unknown)},
            code="unknown_place",
        )
    if len(postcodes) > MAX_AREA_POSTCODES:
        raise ValidationError(
            _("A service area can hold at most %(max)s postcodes; leave it empty for anyone."),
            params={"max": MAX_AREA_POSTCODES},
        )
    return sorted(postcodes)


def area_labels(postcodes) -> list[str]:
    return [postcode_label(p) for p in sorted(postcodes or [])]


def client_postcodes(text: str) -> frozenset[str]:
    """Where a client lives, from a postcode or a municipality's name ("Leuven" is 3000;
    a postcode is more precise). Raises ValidationError when the place is unknown."""
    places = postcode_places(text)
    if not places:
        raise ValidationError(
            _("We do not know “%(place)s”. Give the client's postcode, such as 3000."),
            params={"place": text},
            code="unknown_place",
        )
    return frozenset(p.postcode for p in places)


@dataclass
class Statement:
    """One line of "who can use it", in plain language."""

    label: str
    text: str


def describe(service) -> list[Statement]:
    """The service's structured eligibility as plain-language lines for its page."""
    lines = []
    if service.residence_statuses:
        labels = [
            str(ResidenceStatus(s).label)
            for s in service.residence_statuses
            if s in ResidenceStatus.values
        ]
        lines.append(Statement(str(_("Residence status")), ", ".join(labels)))
    low, high = service.age_min, service.age_max
    if low is not None or high is not None:
        if low is not None and high is not None:
            text = _("From %(low)s to %(high)s years old") % {"low": low, "high": high}
        elif low is not None:
            text = _("%(low)s years or older") % {"low": low}
        else:
            text = _("Up to %(high)s years old") % {"high": high}
        lines.append(Statement(str(_("Age")), str(text)))
    if service.gender:
        lines.append(Statement(str(_("Only for")), str(Gender(service.gender).label)))
    if service.service_area:
        lines.append(
            Statement(
                str(_("Only for people living in")), ", ".join(area_labels(service.service_area))
            )
        )
    return lines


def documents(service) -> list[tuple[str, str]]:
    """(label, pictogram URL) of each document to bring, in the list's order."""
    chosen = set(service.documents_to_bring or [])
    return [
        (str(label), document_pictogram(code))
        for code, label in DocumentType.choices
        if code in chosen
    ]
