"""Incentives: point rules, the append-only ledger, badges, creator levels,
expert certification, course quality, check-in challenges and redemptions.

One module per domain (learner levels too); this package re-exports every model (and the callables
that migrations name, e.g. `rewards.models.not_negative_cap`), so callers and
migrations keep `from rewards.models import ...`.
"""

from .badges import Badge, BadgeAward
from .challenges import Challenge, ChallengeParticipant, CheckIn
from .experts import (
    ExpertApplication,
    ExpertAttachment,
    _protected_storage,
    expert_attachment_upload_to,
)
from .learner_levels import LearnerLevel
from .ledger import (
    AntiGamingPolicy,
    Event,
    PointAdjustment,
    PointBalance,
    PointEntry,
    PointEntryQuerySet,
    PointRule,
    Suspension,
    _default_new_account_days,
    _default_new_account_vote_cap,
    not_negative_cap,
)
from .levels import LEVEL_ORDER, CreatorLevel, Level, LevelThreshold
from .quality import RUBRIC, CourseQuality, QualityReview
from .redemption import Redemption, RedemptionRate
from .totals import PointTotal

__all__ = [
    "LEVEL_ORDER",
    "RUBRIC",
    "AntiGamingPolicy",
    "Badge",
    "BadgeAward",
    "Challenge",
    "ChallengeParticipant",
    "CheckIn",
    "CourseQuality",
    "CreatorLevel",
    "Event",
    "ExpertApplication",
    "ExpertAttachment",
    "LearnerLevel",
    "Level",
    "LevelThreshold",
    "PointAdjustment",
    "PointBalance",
    "PointEntry",
    "PointEntryQuerySet",
    "PointRule",
    "PointTotal",
    "QualityReview",
    "Redemption",
    "RedemptionRate",
    "Suspension",
    "_default_new_account_days",
    "_default_new_account_vote_cap",
    "_protected_storage",
    "expert_attachment_upload_to",
    "not_negative_cap",
]
