"""Directory models: the taxonomy (snippets), the organisation page tree, and the
self-service records (memberships, partnerships, invitations, verification reminders,
suggestions)."""

from .duplicates import DuplicateCandidate, DuplicateStatus
from .feedback import (
    CorrectionSuggestion,
    GotHelp,
    Recommend,
    ServiceFeedback,
    SuggestionStatus,
    SuggestionTopic,
    UsedStamp,
    WaitTime,
)
from .freshness import FieldCheck, TrackedField, VerificationReminder
from .locations import HoursException, LocationPage, OpeningHours
from .organisations import OrganisationIndexPage, OrganisationPage, OrganisationTag
from .partnerships import Partnership, PartnershipKind
from .people import Invitation, Membership, OrganisationTeam, Role
from .services import ServicePage, ServiceTag
from .taxonomy import Language, Need, NeedLabel, TargetGroup, TargetGroupLabel
from .translations import TranslationSync

__all__ = [
    "CorrectionSuggestion",
    "DuplicateCandidate",
    "DuplicateStatus",
    "FieldCheck",
    "GotHelp",
    "HoursException",
    "Invitation",
    "Language",
    "LocationPage",
    "Membership",
    "Need",
    "NeedLabel",
    "OpeningHours",
    "OrganisationIndexPage",
    "OrganisationPage",
    "OrganisationTag",
    "OrganisationTeam",
    "Partnership",
    "PartnershipKind",
    "Recommend",
    "Role",
    "ServiceFeedback",
    "ServicePage",
    "ServiceTag",
    "SuggestionStatus",
    "SuggestionTopic",
    "TargetGroup",
    "TargetGroupLabel",
    "TrackedField",
    "TranslationSync",
    "UsedStamp",
    "VerificationReminder",
    "WaitTime",
]
