"""Imported listings as drafts for a curator's review: what the HSDS import
(hsds.importing) and the initiatives import (directory.initiatives) share."""

from django.utils.html import escape
from django.utils.text import slugify

SUMMARY_LENGTH = 200


def unique_slug(parent, name: str) -> str:
    """A slug for a new child of `parent`, numbered when the name's slug is taken."""
    base = slugify(name)[:50] or "listing"
    slug, number = base, 1
    while parent.get_children().filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def paragraphs(text: str) -> tuple[str, str]:
    """(summary, rich-text description) from a plain description: its first paragraph (at
    most SUMMARY_LENGTH characters) and the rest as paragraphs."""
    first, _sep, rest = (text or "").strip().partition("\n\n")
    summary = first.strip()
    if len(summary) > SUMMARY_LENGTH:
        summary, rest = summary[: SUMMARY_LENGTH - 1].rstrip() + "…", text
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    return summary, "".join(f"<p>{escape(line)}</p>" for line in lines)


def submit_for_review(page, user):
    """A draft revision by `user`, submitted to the page's workflow (curator review). Without
    a user (the demo data) the draft is still submitted, by nobody in particular."""
    revision = page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    return revision
