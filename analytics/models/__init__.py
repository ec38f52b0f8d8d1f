"""Analytics owns its tables: raw events, daily rollups, segments, risk scores.

Nothing but analytics writes them. Other apps' rows are referred to by plain
ids (no foreign keys), so that raw events are cheap to insert, never block a
delete elsewhere, and outlive nothing they should not (see `retention`).
"""

from .events import Event, RollupRun
from .learners import LearningGoal, Segment, SegmentMembership, SegmentRun
from .risk import Nudge, RiskModelRun, RiskScore
from .rollups import (
    CohortMonth,
    CourseSummary,
    DailyCategoryStat,
    DailyCourseStat,
    DailyLessonStat,
    DailyQuestionStat,
    DailySearchStat,
    DailySiteStat,
    DailyVideoBucket,
    LearnerCourseDay,
    UserDay,
)

__all__ = [
    "CohortMonth",
    "CourseSummary",
    "DailyCategoryStat",
    "DailyCourseStat",
    "DailyLessonStat",
    "DailyQuestionStat",
    "DailySearchStat",
    "DailySiteStat",
    "DailyVideoBucket",
    "Event",
    "LearnerCourseDay",
    "LearningGoal",
    "Nudge",
    "RiskModelRun",
    "RiskScore",
    "RollupRun",
    "Segment",
    "SegmentMembership",
    "SegmentRun",
    "UserDay",
]
