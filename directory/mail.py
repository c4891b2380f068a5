"""E-mail in the recipient's language, rendered from a subject and a text template."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def user_language(user) -> str:
    """The language a person chose in the admin (their Wagtail profile), else the site's."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first()
    language = profile.preferred_language if profile else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def record_language(user, language: str | None = None) -> None:
    """Give a person who never chose an admin language one: `language` (an invitation's)
    or the site's. The profile is the one record both Brug's e-mails and Wagtail's (the
    moderation and comment notices) read; Wagtail, finding none, would write in the language
    of whoever caused the notice (a curator's English admin) instead."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    if not profile.preferred_language:
        profile.preferred_language = admin_language(language)
        profile.save(update_fields=["preferred_language"])


def admin_language(language: str | None) -> str:
    """`language` if the admin speaks it, else the site's: an invitation may be in any UI
    language, the admin (and so the profile's language) only in the content languages."""
    permitted = dict(settings.WAGTAILADMIN_PERMITTED_LANGUAGES)
    return language if language in permitted else settings.LANGUAGE_CODE


def record_missing_languages(users) -> int:
    """`record_language` for every one of `users` without a language; how many there were."""
    missing = users.exclude(wagtail_userprofile__preferred_language__gt="")
    count = 0
    for user in missing:
        record_language(user)
        count += 1
    return count


def send(to: str, template: str, context: dict, language: str) -> bool:
    """Send `<template>_subject.txt` / `<template>.txt` rendered in `language`. Returns False
    (and logs) when the mail server refuses or cannot be reached; never raises for that.
    (With the product's EMAIL_BACKEND the message is only queued here: a task delivers it
    and retries a refusal later, see core/mail_queue.py.)"""
    with translation.override(language):
        context = {"base_url": settings.WAGTAILADMIN_BASE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send %s to %s", template, to)
        return False
    return True
