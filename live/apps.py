from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import Booking, ExpertProfile, LiveLecture, Slot, Ticket

        # Anonymous pages cached by core.pagecache (home) and the shared API
        # lists (core.apicache: seats taken, experts' next free slots) show these.
        for model in (LiveLecture, ExpertProfile, Ticket, Slot):
            invalidate_on_change(model, groups=["live"])
        from core.pagecache import invalidate_viewer_on_change

        # The holder's kept ticket list (API); services that end tickets with
        # an UPDATE bump the holder themselves.
        invalidate_viewer_on_change(Ticket)
        # Everyone's kept bookings lists (API), learners' and experts' alike;
        # services that change bookings with UPDATE bump it themselves.
        from .services.bookings import BOOKINGS_GROUP

        invalidate_on_change(Booking, groups=[BOOKINGS_GROUP])
        from core.cards import card_template_register

        # Mixed lists (the home feed) draw lectures and experts with these.
        card_template_register(
            kind="lecture", template="live/_lecture_card.html", name="lecture"
        )
        card_template_register(
            kind="expert", template="live/_expert_card.html", name="expert"
        )
