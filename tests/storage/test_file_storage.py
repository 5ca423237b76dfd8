"""``FileStorage``: one JSON file shared by processes: no lost entries, atomic replace, mode 0600, no symlinks."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from flask_oauth_registry import StorageError
from flask_oauth_registry.storage import FileStorage

TOKEN = {"access_token": "at-1", "token_type": "Bearer", "refresh_token": "rt-1"}
WRITERS = 4
ENTRIES_PER_WRITER = 50

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes, symlinks and flock are POSIX")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_entries(path: str, writer: int, start: Any) -> None:
    """One process's share: ENTRIES_PER_WRITER entries of its own, written one by one (spawned)."""
    storage = FileStorage(path)
    start.wait()
    for index in range(ENTRIES_PER_WRITER):
        storage.set("google", f"writer{writer}-user{index}", {"access_token": f"at-{writer}-{index}"})


@pytest.mark.slow
def test_four_processes_writing_fifty_entries_each_lose_none(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=write_entries, args=(str(path), n, start)) for n in range(WRITERS)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)

    assert [worker.exitcode for worker in workers] == [0] * WRITERS
    storage = FileStorage(path)
    kept = sum(
        storage.get("google", f"writer{writer}-user{index}") == {"access_token": f"at-{writer}-{index}"}
        for writer in range(WRITERS) for index in range(ENTRIES_PER_WRITER)
    )
    print(f"entries kept: {kept} out of {WRITERS * ENTRIES_PER_WRITER}")
    assert kept == WRITERS * ENTRIES_PER_WRITER


def test_readers_never_see_a_half_written_file_while_it_is_replaced(tmp_path: Path) -> None:
    storage = FileStorage(tmp_path / "tokens.json")
    storage.set("google", "alice", TOKEN)
    stop = threading.Event()
    seen: list[Any] = []

    def rewrite() -> None:
        index = 0
        while not stop.is_set():
            index += 1
            # Sizes that vary, so that a torn read could not pass for a whole file.
            storage.set("google", f"user-{index % 7}", {"access_token": "x" * (index % 5000)})

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(storage.get("google", "alice"))
            except StorageError as exc:  # a torn or missing file would read as corrupt
                seen.append(exc)

    threads = [threading.Thread(target=rewrite)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    threading.Event().wait(1.0)
    stop.set()
    for thread in threads:
        thread.join(10)

    assert len(seen) > 100 and all(token == TOKEN for token in seen)


def test_the_file_and_its_folder_are_created_private_and_stay_private(tmp_path: Path) -> None:
    path = tmp_path / "config" / "app" / "tokens.json"
    old_umask = os.umask(0)  # even a permissive umask must not widen the modes
    try:
        FileStorage(path).set("google", "alice", TOKEN)
        first = mode_of(path)
        FileStorage(path).set("google", "bob", TOKEN)
    finally:
        os.umask(old_umask)

    assert first == 0o600 and mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700
    assert mode_of(path.with_name("tokens.json.lock")) == 0o600


def test_a_file_others_can_read_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    storage = FileStorage(path)
    storage.set("google", "alice", TOKEN)
    path.chmod(0o644)
    before = path.read_bytes()

    with pytest.raises(StorageError, match="chmod 600") as caught:
        storage.get("google", "alice")
    with pytest.raises(StorageError):
        storage.set("google", "bob", TOKEN)

    assert str(path) in str(caught.value)
    assert path.read_bytes() == before and mode_of(path) == 0o644


def test_a_symlink_is_refused_even_to_a_token_file(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    FileStorage(target).set("google", "alice", TOKEN)
    before = target.read_bytes()
    link = tmp_path / "tokens.json"
    link.symlink_to(target)
    storage = FileStorage(link)

    with pytest.raises(StorageError, match="symbolic link"):
        storage.get("google", "alice")
    with pytest.raises(StorageError, match="symbolic link"):
        storage.set("google", "mallory", TOKEN)
    with pytest.raises(StorageError, match="symbolic link"):
        storage.accounts("google", "alice")

    assert link.is_symlink() and target.read_bytes() == before


def test_a_symlinked_lock_file_is_refused_and_its_target_not_created(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "tokens.json.lock").symlink_to(elsewhere)

    with pytest.raises(StorageError, match="symbolic link"):
        FileStorage(tmp_path / "tokens.json").set("google", "alice", TOKEN)

    assert not elsewhere.exists() and not (tmp_path / "tokens.json").exists()


@pytest.mark.parametrize("content", [b'{"version": 1, "tokens": {"google": {"alice": {"": {"access_token": "at-secret',
                                     b"\x00\xff binary at-secret", b'["at-secret"]', b""])
def test_a_corrupt_file_is_a_storage_error_naming_the_file_not_its_content(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    path.chmod(0o600)
    storage = FileStorage(path)

    with pytest.raises(StorageError) as caught:
        storage.get("google", "alice")
    with pytest.raises(StorageError):
        storage.set("google", "alice", TOKEN)  # nothing overwrites what may be recoverable

    assert str(path) in str(caught.value) and "at-secret" not in str(caught.value)
    assert path.read_bytes() == content


def test_a_file_of_another_version_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"version": 2, "tokens": {}}))
    path.chmod(0o600)

    with pytest.raises(StorageError, match="version 1"):
        FileStorage(path).set("google", "alice", TOKEN)

    assert json.loads(path.read_text())["version"] == 2


def test_a_failed_replace_keeps_the_old_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokens.json"
    storage = FileStorage(path)
    storage.set("google", "alice", TOKEN)

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StorageError, match="No space left"):
        storage.set("google", "alice", {"access_token": "at-2"})
    monkeypatch.undo()

    assert storage.get("google", "alice") == TOKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json", "tokens.json.lock"]


def test_a_write_waits_for_the_lock_and_gives_up_with_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    storage = FileStorage(path, lock_timeout=0.2)
    storage.set("google", "alice", TOKEN)
    with open(path.with_name("tokens.json.lock"), "a") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # another process's write in progress, as flock sees it
        with pytest.raises(StorageError, match="locked"):
            storage.set("google", "alice", {"access_token": "at-2"})
        assert storage.get("google", "alice") == TOKEN  # reads need no lock

    storage.set("google", "alice", {"access_token": "at-2"})
    assert storage.get("google", "alice") == {"access_token": "at-2"}


def test_a_missing_file_has_no_tokens_and_deleting_from_it_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    storage = FileStorage(path)

    assert storage.get("google", "alice") is None and storage.accounts("google", "alice") == []
    storage.delete("google", "alice")

    assert not path.exists()


def test_the_file_holds_every_entry_as_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    storage = FileStorage(path)
    storage.set("google", "alice", TOKEN)
    storage.set("google", "alice", TOKEN, account="sub-2")
    storage.set("github", "bob", TOKEN)
    storage.delete("github", "bob")

    assert json.loads(path.read_text()) == {"version": 1, "tokens": {"google": {"alice": {"": TOKEN, "sub-2": TOKEN}}}}
    assert repr(storage) == f"FileStorage({str(path)!r})"
