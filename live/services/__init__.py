"""Writes of the live app, split by domain; every public name is re-exported.

`lectures`: scheduling, moving, cancelling, replays, seat counts.
`tickets`: seats held while paying, free and members' tickets, replay passes.
`consultations`: expert profiles, availability and slots.
`bookings`: booking slots through commerce, confirmation, refunds, ratings.
`reminders`: the day-before and starting-soon reminders, each sent once.
"""

from .bookings import (
    booking_cancel,
    booking_confirm,
    booking_confirm_hold,
    booking_decline,
    booking_fulfil,
    booking_hold,
    booking_note_update,
    booking_rate,
    booking_refund,
    booking_release,
    booking_revoke,
    booking_start,
    bookings_expire_unconfirmed,
    bookings_refund_due,
)
from .consultations import (
    availability_publish,
    availability_withdraw,
    expert_profile_save,
    slot_withdraw,
)
from .lectures import (
    LECTURE_FIELDS,
    clean_price,
    lecture_cancel,
    lecture_feature,
    lecture_move,
    lecture_replay_attach,
    lecture_replay_remove,
    lecture_schedule,
    lecture_tickets_refund,
    lecture_update,
    replay_kind_of,
    seats_taken,
    seats_taken_q,
)
from .reminders import reminders_send
from .tickets import (
    replay_pass_fulfil,
    replay_pass_revoke,
    ticket_claim,
    ticket_confirm_hold,
    ticket_fulfil,
    ticket_hold,
    ticket_refund_after_move,
    ticket_release,
    ticket_revoke,
)

__all__ = [
    "LECTURE_FIELDS",
    "availability_publish",
    "availability_withdraw",
    "booking_cancel",
    "booking_confirm",
    "booking_confirm_hold",
    "booking_decline",
    "booking_fulfil",
    "booking_hold",
    "booking_note_update",
    "booking_rate",
    "booking_refund",
    "booking_release",
    "booking_revoke",
    "booking_start",
    "bookings_expire_unconfirmed",
    "bookings_refund_due",
    "clean_price",
    "expert_profile_save",
    "lecture_cancel",
    "lecture_feature",
    "lecture_move",
    "lecture_replay_attach",
    "lecture_replay_remove",
    "lecture_schedule",
    "lecture_tickets_refund",
    "lecture_update",
    "reminders_send",
    "replay_kind_of",
    "replay_pass_fulfil",
    "replay_pass_revoke",
    "seats_taken",
    "seats_taken_q",
    "slot_withdraw",
    "ticket_claim",
    "ticket_confirm_hold",
    "ticket_fulfil",
    "ticket_hold",
    "ticket_refund_after_move",
    "ticket_release",
    "ticket_revoke",
]
