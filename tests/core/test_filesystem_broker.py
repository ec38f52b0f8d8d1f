"""The embedded broker never hands a consumer a message still being written.

kombu's filesystem transport created the file and then wrote into it; a
consumer polling in between read an empty file and the worker died on the
JSON error (seen after `make run`).
"""

import os

import pytest
from kombu import Connection

from core import broker


@pytest.fixture
def channel(tmp_path):
    connection = Connection(
        "filesystem://",
        transport="core.broker:Transport",
        transport_options={
            "data_folder_in": str(tmp_path),
            "data_folder_out": str(tmp_path),
            "control_folder": str(tmp_path / "control"),
        },
    )
    (tmp_path / "control").mkdir()
    yield connection.default_channel
    connection.release()


def test_a_message_is_invisible_until_completely_written(channel, monkeypatch):
    from queue import Empty

    seen_while_writing = []
    real_replace = os.replace

    def replace(src, dst):
        # The file is complete but not yet in place: a consumer finds nothing.
        try:
            seen_while_writing.append(channel._get("celery"))
        except Empty:
            seen_while_writing.append(None)
        real_replace(src, dst)

    monkeypatch.setattr(broker.os, "replace", replace)
    channel._put("celery", {"body": "points for learner 7"})
    assert seen_while_writing == [None]
    assert channel._get("celery") == {"body": "points for learner 7"}
    with pytest.raises(Empty):
        channel._get("celery")
