"""A referral's `need_set`: the ids of its needs, kept with them.

Any change of a referral's needs through the ORM (`referral.needs.set()`, `.add()`,
`.remove()`, `.clear()`) and deleting a need rewrite the sets concerned;
code that inserts need rows in bulk calls `refresh` itself (the demo, the benchmarks)."""

from django.db.models.signals import m2m_changed, post_delete, pre_delete

from directory.models import Need
from referrals.models import Referral


def text(need_ids) -> str:
    return ",".join(str(pk) for pk in sorted(need_ids))


def ids(need_set: str) -> list[int | None]:
    """The needs of a set; None for a referral without needs (its own row, as a join gives)."""
    return [int(pk) for pk in need_set.split(",")] if need_set else [None]


def refresh(referral_ids=None, referral_model=Referral) -> None:
    """Rewrite the sets of these referrals (every referral's when None) that are out of date.
    `referral_model`: a migration's historical model."""
    through = referral_model.needs.through
    rows = through.objects.order_by()
    referrals = referral_model.objects.all()
    if referral_ids is not None:
        referral_ids = list(referral_ids)
        rows = rows.filter(referral_id__in=referral_ids)
        referrals = referrals.filter(pk__in=referral_ids)
    found: dict[int, list[int]] = {}
    for referral_id, need_id in rows.values_list("referral_id", "need_id").iterator():
        found.setdefault(referral_id, []).append(need_id)
    by_text: dict[str, list[int]] = {}
    for pk, current in referrals.values_list("pk", "need_set").iterator():
        wanted = text(found.get(pk, ()))
        if wanted != current:
            by_text.setdefault(wanted, []).append(pk)
    # One UPDATE per distinct set: a few dozen, not one per referral.
    for wanted, pks in by_text.items():
        for start in range(0, len(pks), 5000):
            referrals.filter(pk__in=pks[start : start + 5000]).update(need_set=wanted)


def _on_needs_changed(sender, instance, action, **kwargs):
    # Only from the referral's side: a need has no accessor to its referrals (related "+").
    if action.startswith("post_"):
        refresh([instance.pk])


def _before_need_deleted(sender, instance, **kwargs):
    # Deleting a need deletes its rows without m2m_changed: note whose sets it was in.
    instance._brug_referrals = list(
        Referral.needs.through.objects.filter(need=instance).values_list("referral_id", flat=True)
    )


def _after_need_deleted(sender, instance, **kwargs):
    if getattr(instance, "_brug_referrals", None):
        refresh(instance._brug_referrals)


def connect() -> None:
    m2m_changed.connect(
        _on_needs_changed, sender=Referral.needs.through, dispatch_uid="brug_referral_need_sets"
    )
    pre_delete.connect(_before_need_deleted, sender=Need, dispatch_uid="brug_need_sets_before")
    post_delete.connect(_after_need_deleted, sender=Need, dispatch_uid="brug_need_sets_after")
