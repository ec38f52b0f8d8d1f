"""The points ledger: awards, reversals, suspensions and staff adjustments.

Ledger writes follow one pattern: lock the user's `PointBalance` row
(`select_for_update`, several users in pk order), check, append the entry, add
its points to the cached balance with an F() expression, all in one
transaction. The lock serialises everything that depends on a user's ledger
(daily caps, the new-account cap, redemptions) and the leaderboards' totals
(`totals`, moved in the same transaction); the unique constraints on
`PointEntry` back every "only once" in case a writer skips the lock.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F as Fx
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue
from rewards.models import (
    AntiGamingPolicy,
    Event,
    PointAdjustment,
    PointBalance,
    PointEntry,
    PointRule,
    Suspension,
)

from .totals import totals_add

User = get_user_model()


SELF_EXCLUDED = {Event.POST_UPVOTED, Event.ANSWER_ACCEPTED, Event.THREAD_FEATURED}


NEW_ACCOUNTS_BUCKET = "new_accounts"


def _lock_balances(user_ids) -> dict[int, PointBalance]:
    """Create missing balance rows, then lock them all in pk order."""
    ids = sorted(set(user_ids))
    PointBalance.objects.bulk_create(
        [PointBalance(user_id=i) for i in ids], ignore_conflicts=True
    )
    return {
        b.user_id: b
        for b in PointBalance.objects.select_for_update()
        .filter(user_id__in=ids)
        .order_by("pk")
    }


def _append(*, add_to_totals: bool = True, **fields) -> PointEntry:
    """Append one entry and move the cached balance and the leaderboards'
    totals; the caller holds the lock. `add_to_totals=False`: the caller
    adds its entries to the totals itself, all at once (`totals_add`)."""
    fields.setdefault("day", timezone.localdate())
    entry = PointEntry.objects.create(**fields)
    PointBalance.objects.filter(user_id=entry.user_id).update(
        points=Fx("points") + entry.points
    )
    if add_to_totals:
        totals_add([entry])
    return entry


def _is_new(user, policy: AntiGamingPolicy) -> bool:
    return user.date_joined >= timezone.now() - timedelta(days=policy.new_account_days)


def _is_suspended(user_id: int) -> bool:
    now = timezone.now()
    return Suspension.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now), user_id=user_id
    ).exists()


@transaction.atomic
def points_award(
    *,
    event: str,
    user_id: int,
    source_key: str,
    object_key: str = "",
    parent_key: str = "",
    actor_id: int | None = None,
    category_id: int | None = None,
) -> PointEntry | None:
    """Award the points of `event`'s rule to `user_id` for `source_key`, once.

    Returns the entry (the existing one when called again) or None when nothing
    is earned: no active rule, a self-vote, a suspended account, the daily cap
    or the new-account cap reached.
    """
    rule = PointRule.objects.filter(event=event, is_active=True).first()
    if rule is None or user_id is None:
        return None
    if actor_id is not None and actor_id == user_id and event in SELF_EXCLUDED:
        return None
    if _is_suspended(user_id) or (actor_id is not None and _is_suspended(actor_id)):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None

    _lock_balances([user_id])
    existing = PointEntry.objects.filter(
        rule=rule, source_key=source_key, user_id=user_id, kind=PointEntry.Kind.AWARD
    ).first()
    if existing is not None:
        return existing

    points = rule.points
    today = timezone.localdate()
    if rule.daily_cap is not None:
        earned_today = (
            PointEntry.objects.filter(
                user_id=user_id, rule=rule, day=today, kind=PointEntry.Kind.AWARD
            ).aggregate(total=Sum("points"))["total"]
            or 0
        )
        points = min(points, rule.daily_cap - earned_today)

    bucket = ""
    if event == Event.POST_UPVOTED and actor_id is not None:
        policy = AntiGamingPolicy.current()
        actor = User.objects.filter(pk=actor_id).only("date_joined").first()
        if actor is not None and _is_new(actor, policy) and _is_new(user, policy):
            # Fresh accounts voting for each other (rings) earn at most the cap.
            bucket = NEW_ACCOUNTS_BUCKET
            from_new = (
                PointEntry.objects.filter(
                    user_id=user_id, limited_bucket=bucket
                ).aggregate(total=Sum("points"))["total"]
                or 0
            )
            points = min(points, policy.new_account_vote_cap - from_new)

    if points <= 0:
        return None
    try:
        with transaction.atomic():
            entry = _append(
                user_id=user_id,
                kind=PointEntry.Kind.AWARD,
                rule=rule,
                points=points,
                source_key=source_key,
                object_key=object_key,
                parent_key=parent_key,
                actor_id=actor_id,
                category_id=category_id,
                limited_bucket=bucket,
                day=today,
            )
    except IntegrityError:
        # Another writer got there first (only without the lock): keep theirs.
        return PointEntry.objects.get(
            rule=rule,
            source_key=source_key,
            user_id=user_id,
            kind=PointEntry.Kind.AWARD,
        )
    _evaluate_badges_later(user_id)
    return entry


def _evaluate_badges_later(user_id: int) -> None:
    from rewards.tasks import badges_evaluate_task

    enqueue(badges_evaluate_task, user_id=user_id)


@transaction.atomic
def points_reverse(*, awards: Q, reason: str) -> list[PointEntry]:
    """Write one reversing entry for every award matching `awards` not yet reversed."""
    base = PointEntry.objects.filter(awards, kind=PointEntry.Kind.AWARD)
    user_ids = list(
        base.filter(reversal__isnull=True)
        .order_by("user_id")  # not the default ordering: one row a person
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not user_ids:
        return []
    _lock_balances(user_ids)
    # Re-read under the lock: a concurrent reversal may have run meanwhile.
    to_reverse = list(base.filter(reversal__isnull=True).order_by("pk"))
    written = []
    for award in to_reverse:
        written.append(
            _append(
                user_id=award.user_id,
                kind=PointEntry.Kind.REVERSAL,
                rule=award.rule,
                points=-award.points,
                source_key=award.source_key,
                object_key=award.object_key,
                parent_key=award.parent_key,
                actor_id=award.actor_id,
                category_id=award.category_id,
                limited_bucket=award.limited_bucket,
                reversal_of=award,
                reason=reason[:300],
                add_to_totals=False,
            )
        )
    totals_add(written)
    return written


def points_reverse_source(*, source_key: str, reason: str, rule_events=None):
    awards = Q(source_key=source_key)
    if rule_events:
        awards &= Q(rule__event__in=rule_events)
    return points_reverse(awards=awards, reason=reason)


def points_reverse_object(*, object_key: str, reason: str):
    return points_reverse(
        awards=Q(object_key=object_key) | Q(parent_key=object_key), reason=reason
    )


@transaction.atomic
def suspension_record(
    *, user_id: int, until=None, reason: str = ""
) -> tuple[Suspension, list[PointEntry]]:
    """Remember the suspension and reverse the points from the account's actions.

    Reversed: what the account earned, and what others earned from its
    actions (its votes, accepts).
    """
    suspension, _created = Suspension.objects.update_or_create(
        user_id=user_id, defaults={"until": until, "reason": reason[:300]}
    )
    reversed_entries = points_reverse(
        awards=Q(user_id=user_id) | Q(actor_id=user_id),
        reason=_("Account suspended: %(reason)s") % {"reason": reason},
    )
    return suspension, reversed_entries


@transaction.atomic
def suspension_end(*, user_id: int, until=None) -> Suspension | None:
    """The suspension was lifted: points are earned again from now.

    `until` is the end of another suspension still running (it then stays
    blocked until then). Points reversed when the suspension began stay
    reversed: they came from the suspended account's actions.
    """
    suspension = Suspension.objects.select_for_update().filter(user_id=user_id).first()
    if suspension is None:
        return None
    now = timezone.now()
    suspension.until = until if until is not None and until > now else now
    suspension.save(update_fields=["until", "created_at"])
    return suspension


@transaction.atomic
def points_adjust(*, user, points: int, reason: str, by) -> PointAdjustment:
    """A manual correction by staff; the reason is required and recorded."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give a reason for the adjustment; it is recorded.")
    if not points:
        errors["points"] = _("Enter a number of points other than zero.")
    if errors:
        raise ValidationError(errors)
    _lock_balances([user.pk])
    entry = _append(
        user_id=user.pk,
        kind=PointEntry.Kind.ADJUSTMENT,
        points=points,
        source_key=f"adjustment:{uuid.uuid4().hex}",
        reason=reason[:300],
        created_by=by,
    )
    return PointAdjustment.objects.create(
        user=user, points=points, reason=reason[:300], created_by=by, entry=entry
    )
