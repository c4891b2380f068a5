"""Referral pathways reserved for partners ("only for refugees guided by the OCMW of
Leuven"): a service whose `referral_partners` are set takes referrals only from coaches of
those organisations, or of its own. Without partners any coach may refer. The rule is read
from the service's original page and compares organisations by translation key, so it holds
whichever language version an editor ticked. The referral form, the workflow, the search's
"your client can use it" filter (the `pathway` reason of directory.eligibility) and the
pages all ask here."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from directory.models import Membership, OrganisationPage, Role, ServicePage

# The roles that refer clients from an organisation (referrals.access uses them too).
REFERRING_ROLES = (Role.COACH, Role.COORDINATOR)


def referring_organisations(user) -> list[int]:
    """The organisations (original pages) a person refers from, as coach or coordinator."""
    if not (user.is_authenticated and user.is_active):
        return []
    return list(
        Membership.objects.filter(user=user, role__in=REFERRING_ROLES).values_list(
            "organisation_id", flat=True
        )
    )


def organisation_keys(organisations) -> set[str]:
    """The translation keys (as text) of these organisations, given as pages or ids."""
    ids = [o if isinstance(o, int) else o.pk for o in organisations if o is not None]
    keys = OrganisationPage.objects.filter(pk__in=ids).values_list("translation_key", flat=True)
    return {str(key) for key in keys}


def _source(service) -> ServicePage:
    return service.original() if hasattr(service, "original") else service


def allowed_keys(service) -> list[str]:
    """The organisations (translation keys) the service takes referrals from: its partners
    and itself; empty when it is open to every coach (what search documents carry)."""
    source = _source(service)
    partners = {str(p.translation_key) for p in source.referral_partners.all()}
    if not partners:
        return []
    return sorted(partners | {str(source.get_parent().translation_key)})


def open_to(service, organisations) -> bool:
    """Whether coaches of any of these organisations (pages or ids) may refer to the service."""
    allowed = allowed_keys(service)
    return not allowed or bool(set(allowed) & organisation_keys(organisations))


def open_to_condition(organisations) -> Q:
    """`open_to` as a condition on services (ServiceQuerySet.referrable)."""
    keys = organisation_keys(organisations)
    through = ServicePage.referral_partners.through
    reserved = through.objects.values("servicepage_id")
    partner_of = through.objects.filter(organisationpage__translation_key__in=keys).values(
        "servicepage_id"
    )
    condition = ~Q(pk__in=reserved) | Q(pk__in=partner_of)
    for path in OrganisationPage.objects.filter(translation_key__in=keys).values_list(
        "path", flat=True
    ):
        condition |= Q(path__startswith=path)
    return condition


@dataclass
class Pathway:
    """A service's reserved pathway: the partners' keys (every one, live or not) and the
    live partner pages in the service page's language where they have a version."""

    keys: set[str] = field(default_factory=set)
    partners: list[OrganisationPage] = field(default_factory=list)

    def open_to(self, service, organisation_keys: set[str]) -> bool:
        """Open to coaches of these organisations (keys): no partners, a partner or its own."""
        own = str(service.organisation.translation_key)
        return not self.keys or bool((self.keys | {own}) & organisation_keys)


def of_services(services) -> dict:
    """The Pathway of each of these service pages, by translation key (a few queries for a
    page of results)."""
    services = list(services)
    through = ServicePage.referral_partners.through
    # Each service's original: its key's first page that is no alias (directory.models.
    # originals), found with the key's index rather than an aggregate over every service.
    firsts = {}
    for pk, key in (
        ServicePage.objects.filter(
            translation_key__in={s.translation_key for s in services}, alias_of__isnull=True
        )
        .order_by("-pk")
        .values_list("pk", "translation_key")
    ):
        firsts[key] = pk
    rows = through.objects.filter(servicepage__in=firsts.values()).values_list(
        "servicepage__translation_key", "organisationpage__translation_key"
    )
    keys: dict = {}
    for service_key, organisation_key in rows:
        keys.setdefault(service_key, set()).add(organisation_key)
    wanted = set().union(*keys.values()) if keys else set()
    versions = list(
        OrganisationPage.objects.live().filter(translation_key__in=wanted).order_by("pk")
    )
    found = {}
    for service in services:
        mine = keys.get(service.translation_key, set())
        chosen: dict = {}
        for page in versions:
            if page.translation_key not in mine:
                continue
            if page.locale_id == service.locale_id:
                chosen[page.translation_key] = page
            elif page.alias_of_id is None:
                chosen.setdefault(page.translation_key, page)  # the original, where no version
        found[service.translation_key] = Pathway(
            {str(key) for key in mine},
            sorted(chosen.values(), key=lambda page: page.title.casefold()),
        )
    return found


def partners(service) -> list[OrganisationPage]:
    """The live partner organisations, in the service page's language where they have a
    version, by name (the public note "Only through a referral from: …")."""
    return of_services([service])[service.translation_key].partners


def contact(service) -> str:
    """How to reach the service itself: its phone and e-mail, else its organisation's."""
    organisation = service.get_parent().specific
    phone = service.contact_phone or organisation.phone
    email = service.contact_email or organisation.email
    return " · ".join(part for part in (phone, email) if part) or organisation.title


def refusal(service) -> str:
    """Why a coach of another organisation cannot refer to the service, and whom to contact
    instead (in the active language)."""
    names = ", ".join(page.title for page in partners(service)) or service.title
    return _(
        "%(service)s takes clients only through a referral from %(partners)s. Ask them to "
        "refer your client, or contact the service: %(contact)s."
    ) % {"service": service.title, "partners": names, "contact": contact(service)}
