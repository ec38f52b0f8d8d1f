"""kombu's filesystem transport (the embedded broker), publishing atomically.

kombu writes a message by creating its file and then writing into it; a
consumer polling the folder can move and read the file in between, find it
empty, and the worker dies on the JSON error (the message is lost with it).
Polling every 0.1 s made that race frequent. Here a message is written under
a name the consumer ignores and renamed into place when complete (a rename
is atomic on one filesystem), so a consumer sees whole messages or none.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: written aside, then renamed into place."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # "<name>.part": the consumer takes only files ending in ".<queue>.msg".
        partial = final + ".part"
        try:
            with open(partial, "wb", buffering=0) as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(
                f"Cannot add file {final!r} to directory"
            ) from exc


class Transport(filesystem.Transport):
    Channel = Channel
