"""Drop-out risk: features, model, evaluation and a simulator of course runs.

The same feature code (`features.snapshot_features`) serves the platform's
daily scoring (`analytics.services.risk`) and the outside-data evaluation
(`manage.py dropout_eval`): both hand it the canonical frames described in
`features`.
"""
