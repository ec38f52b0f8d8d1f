"""Recommendation algorithms behind one interface, independent of Django.

`get_algorithm(name, **params)` builds one; `ALGORITHMS` lists them. The
default (`DEFAULT_ALGORITHM`) is the one that won the offline evaluation
(`manage.py recommender_eval`, figures in docs/recs.md).
"""

from .base import DEFAULT_BATCH, Recommender, iter_batches, top_n
from .baseline import PopularityInInterests
from .data import InteractionData
from .quality import EASEPlus, ItemKNN, RP3Beta, StarsBlend
from .ranking import ALS, EASE
from .sequence import NextCourse
from .surprise_models import (
    SurpriseKNNItem,
    SurpriseKNNItemImplicit,
    SurpriseSVD,
    SurpriseSVDImplicit,
)
from .tuned import EASETuned

ALGORITHMS: dict[str, type[Recommender]] = {
    cls.name: cls
    for cls in (
        EASE,
        EASEPlus,
        EASETuned,
        ItemKNN,
        RP3Beta,
        StarsBlend,
        ALS,
        PopularityInInterests,
        NextCourse,
        SurpriseSVD,
        SurpriseSVDImplicit,
        SurpriseKNNItem,
        SurpriseKNNItemImplicit,
    )
}

DEFAULT_ALGORITHM = "ease_tuned"
#: The defaults before `ease_tuned`, newest first: the serving run of the first
#: one that has one is shown until the new default's first run succeeds (no
#: empty lists the day the default changes, whichever default a platform
#: upgrades from).
PREVIOUS_DEFAULT_ALGORITHMS = ("ease_plus", "ease")


def get_algorithm(name: str, **params) -> Recommender:
    try:
        cls = ALGORITHMS[name]
    except KeyError:
        raise ValueError(
            f"Unknown algorithm {name!r}; choose from {sorted(ALGORITHMS)}"
        ) from None
    return cls(**params)


__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "DEFAULT_BATCH",
    "PREVIOUS_DEFAULT_ALGORITHMS",
    "InteractionData",
    "Recommender",
    "get_algorithm",
    "iter_batches",
    "top_n",
]
