"""Every write of the rewards app.

One module per domain (ledger and its leaderboard totals, badges, levels, experts, quality, challenges,
redemption); this package re-exports their public names, so callers keep
`from rewards import services`. `ledger` explains the locking pattern every
write of points follows.
"""

from .badges import (
    EARNED_KINDS,
    badge_award,
    badge_award_notify,
    badge_cache_key,
    badges_evaluate,
)
from .challenges import challenge_check_in, challenge_create, challenge_join
from .experts import (
    expert_application_approve,
    expert_application_reject,
    expert_application_submit,
)
from .ledger import (
    NEW_ACCOUNTS_BUCKET,
    SELF_EXCLUDED,
    points_adjust,
    points_award,
    points_reverse,
    points_reverse_object,
    points_reverse_source,
    suspension_end,
    suspension_record,
)
from .levels import (
    creator_level_recompute,
    creator_levels_recompute,
    creator_stats,
    level_up_notify,
)
from .quality import (
    COMPLETION_PRIOR,
    bayesian_average,
    course_quality_recompute,
    courses_quality_recompute,
    quality_review_save,
)
from .redemption import (
    redemption_amount,
    redemption_create,
    redemption_fail,
    redemption_fulfil,
)
from .totals import totals_add, totals_from_ledger, totals_rebuild, totals_reconcile

__all__ = [
    "COMPLETION_PRIOR",
    "EARNED_KINDS",
    "NEW_ACCOUNTS_BUCKET",
    "SELF_EXCLUDED",
    "badge_award",
    "badge_award_notify",
    "badge_cache_key",
    "badges_evaluate",
    "bayesian_average",
    "challenge_check_in",
    "challenge_create",
    "challenge_join",
    "course_quality_recompute",
    "courses_quality_recompute",
    "creator_level_recompute",
    "creator_levels_recompute",
    "creator_stats",
    "expert_application_approve",
    "expert_application_reject",
    "expert_application_submit",
    "level_up_notify",
    "points_adjust",
    "points_award",
    "points_reverse",
    "points_reverse_object",
    "points_reverse_source",
    "quality_review_save",
    "redemption_amount",
    "redemption_create",
    "redemption_fail",
    "redemption_fulfil",
    "suspension_end",
    "suspension_record",
    "totals_add",
    "totals_from_ledger",
    "totals_rebuild",
    "totals_reconcile",
]
