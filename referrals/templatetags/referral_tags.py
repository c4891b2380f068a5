"""`{% can_refer as refer %}`: whether the signed-in person may start a referral (a "Refer"
button on the service page and in map popups; the public site shows no referral data)."""

from django import template

from referrals import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can_refer(context) -> bool:
    request = context.get("request")
    return bool(request and access.can_refer(request.user))
