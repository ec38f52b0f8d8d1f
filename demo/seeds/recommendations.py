"""Demo data: the default signal weights and a first run, so the demo shows lists."""

from django.test.utils import override_settings

from demo.seeding import SeedContext, SeedStep
from recommendations.models import DEFAULT_WEIGHTS, ActiveRun, SignalWeight


def seed_recommendations(ctx: SeedContext) -> None:
    from recommendations import services

    created = 0
    for signal, weight in DEFAULT_WEIGHTS.items():
        _, was_created = SignalWeight.objects.get_or_create(
            signal=signal, defaults={"weight": weight}
        )
        created += was_created
    ctx.log(f"  signal weights: {created} created")
    algorithm = services.default_algorithm()
    if ActiveRun.objects.filter(algorithm=algorithm).exists():
        ctx.log("  recommendations: a run is already active")
        return
    from learning.models import Enrollment

    if not Enrollment.objects.exists():
        ctx.log("  recommendations: no enrolments yet, first run skipped")
        return
    run = services.model_run_create(algorithm=algorithm)
    if ctx.scale == "small":
        # The small demo fits the default model as the nightly retrain does,
        # offline metrics included.
        run = services.model_run_execute(run_id=run.pk, evaluate=True)
    else:
        # Past the small demo the first run fits the platform's scale model
        # (services.scale: implicit's ALS with its evaluated parameters, as
        # every run does above RECOMMENDATIONS_DENSE_MAX_ITEMS courses) under
        # the default algorithm's name, without offline metrics. The default
        # `ease_tuned` would invert its courses x courses matrix seven times
        # (a lambda grid on two validation folds, then the final fit: 10,000
        # courses at the bench scale, about 50 CPU seconds each here). Every
        # learner and course page gets its lists all the same; the nightly
        # retrain fits the tuned model over them.
        with override_settings(RECOMMENDATIONS_DENSE_MAX_ITEMS=0):
            run = services.model_run_execute(run_id=run.pk, evaluate=False)
    ctx.log(
        f"  recommendations: run #{run.pk} {run.status}, "
        f"{run.n_recommendations} rows for {run.n_users} learners"
        + (
            ""
            if ctx.scale == "small"
            else " (the scale model; the nightly retrain fits the default one)"
        )
    )


SEED_STEPS = [
    SeedStep(order=70, name="recommendations", run=seed_recommendations),
]
