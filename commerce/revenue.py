"""Revenue reads for the creator studio (aggregated in the database)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from .ledger import label_in_language
from .models import CreatorEarning


def revenue_rows(*, creator_id: int) -> QuerySet[CreatorEarning]:
    return (
        CreatorEarning.objects.filter(creator_id=creator_id)
        .select_related("order_item__order")
        .order_by("-created_at", "-id")
    )


def revenue_by_month(*, creator_id: int, months: int = 12) -> list[dict]:
    rows = (
        CreatorEarning.objects.filter(creator_id=creator_id)
        .annotate(month_start=TruncMonth("created_at"))
        .values("month_start")
        .annotate(gross=Sum("gross"), net=Sum("net"), commission=Sum("commission"))
        .order_by("-month_start")[:months]
    )
    return [
        {
            "month": row["month_start"].strftime("%Y-%m"),
            "gross": row["gross"],
            "net": row["net"],
            "commission": row["commission"],
        }
        for row in reversed(list(rows))
    ]


def revenue_by_course(*, creator_id: int) -> list[dict]:
    """Sales, refunds and money per course or item, labelled in the reader's
    language: an item the site words (a consultation) is one row whatever the
    language its buyers bought it in."""
    sales = CreatorEarning.Kind.SALE
    refunds = CreatorEarning.Kind.REFUND
    groups = (
        CreatorEarning.objects.filter(creator_id=creator_id)
        .values("course_id", "label", "order_item__titles")
        .annotate(
            sold=Count("id", filter=Q(kind=sales)),
            refunded=Count("id", filter=Q(kind=refunds)),
            gross=Sum("gross"),
            net=Sum("net"),
        )
        .order_by()
    )
    rows: dict[tuple, dict] = {}
    for group in groups:
        label = label_in_language(group["label"], group["order_item__titles"])
        row = rows.setdefault(
            (group["course_id"], label),
            {
                "course_id": group["course_id"],
                "label": label,
                "sold": 0,
                "refunded": 0,
                "gross": 0,
                "net": 0,
            },
        )
        for key in ("sold", "refunded", "gross", "net"):
            row[key] += group[key]
    return sorted(rows.values(), key=lambda row: row["net"], reverse=True)
