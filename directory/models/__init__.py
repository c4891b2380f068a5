"""Directory models: the taxonomy (snippets) and the organisation page tree."""

from .locations import LocationPage, OpeningHours
from .organisations import OrganisationIndexPage, OrganisationPage, OrganisationTag
from .services import ServicePage, ServiceTag
from .taxonomy import Language, Need, NeedLabel, TargetGroup, TargetGroupLabel

__all__ = [
    "Language",
    "LocationPage",
    "Need",
    "NeedLabel",
    "OpeningHours",
    "OrganisationIndexPage",
    "OrganisationPage",
    "OrganisationTag",
    "ServicePage",
    "ServiceTag",
    "TargetGroup",
    "TargetGroupLabel",
]
