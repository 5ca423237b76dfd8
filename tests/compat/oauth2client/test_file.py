"""``file.Storage``: a token file written by oauth2client keeps working, and is written privately and atomically."""

from __future__ import annotations

import json
import os
import pickle
import stat
from pathlib import Path

import pytest

from flask_oauth_registry.compat.oauth2client import client, file

from .support import ORIGINAL_CREDENTIALS_JSON, TOKEN_URI, FakeHttp


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "credentials.json"
    path.write_text(ORIGINAL_CREDENTIALS_JSON)
    path.chmod(0o600)
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_documented_usage_reads_oauth2client_s_file(token_file: Path) -> None:
    storage = file.Storage(str(token_file))

    credentials = storage.get()

    assert credentials.access_token == "ya29.old-access" and credentials.store is storage


def test_put_writes_the_file_back_as_oauth2client_wrote_it(token_file: Path) -> None:
    storage = file.Storage(str(token_file))

    storage.put(storage.get())

    assert json.loads(token_file.read_text()) == json.loads(ORIGINAL_CREDENTIALS_JSON)
    assert list(json.loads(token_file.read_text())) == list(json.loads(ORIGINAL_CREDENTIALS_JSON))


def test_a_new_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new.json"

    file.Storage(path).put(client.AccessTokenCredentials("ya29", None))

    assert mode_of(path) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_file_others_could_read_becomes_private_on_the_next_write(token_file: Path) -> None:
    # oauth2client kept the mode of an existing file: a token file made 0644 stayed readable by everyone.
    token_file.chmod(0o644)
    storage = file.Storage(str(token_file))

    storage.put(storage.get())

    assert mode_of(token_file) == 0o600


def test_a_failed_write_leaves_the_old_file_whole(token_file: Path) -> None:
    # oauth2client truncated the file, then wrote: a failure in between left an empty token file.
    class Exploding(client.AccessTokenCredentials):
        def to_json(self) -> str:
            return "x" * 10 + str(1 / 0)

    storage = file.Storage(str(token_file))
    with pytest.raises(ZeroDivisionError):
        storage.put(Exploding("ya29", None))

    assert token_file.read_text() == ORIGINAL_CREDENTIALS_JSON
    assert [p.name for p in token_file.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_refresh_writes_the_new_token_to_the_file(token_file: Path) -> None:
    credentials = file.Storage(str(token_file)).get()
    http = FakeHttp(script=[(200, {"access_token": "ya29.refreshed", "expires_in": 3600})])

    credentials.refresh(http)

    assert http.sent[0].uri == TOKEN_URI
    assert json.loads(token_file.read_text())["access_token"] == "ya29.refreshed"


class _Payload:
    """A pickle that runs code when loaded: it creates the file ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def test_a_pickled_or_broken_file_reads_as_none_and_is_replaced(tmp_path: Path) -> None:
    path, marker = tmp_path / "old.dat", tmp_path / "code-ran"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    storage = file.Storage(str(path))

    assert storage.get() is None
    assert not marker.exists()  # never unpickled
    path.write_text('{"_module": "oauth2client.client"')
    assert storage.get() is None

    storage.put(client.AccessTokenCredentials("ya29.new", None))
    assert storage.get().access_token == "ya29.new"


def test_a_missing_file_warns_and_reads_as_none(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Cannot access"):
        assert file.Storage(str(tmp_path / "absent.json")).get() is None


def test_a_symlink_or_a_directory_is_refused(token_file: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(token_file)

    with pytest.raises(IOError, match="symbolic link"):
        file.Storage(str(link)).get()
    with pytest.raises(IOError, match="symbolic link"):
        file.Storage(str(link)).put(client.AccessTokenCredentials("ya29", None))
    with pytest.raises(IOError, match="directory"):
        file.Storage(str(tmp_path)).get()
    assert token_file.read_text() == ORIGINAL_CREDENTIALS_JSON


def test_delete_removes_the_file(token_file: Path) -> None:
    file.Storage(str(token_file)).delete()

    assert not token_file.exists()
