"""The quickstart example on two gunicorn instances sharing Redis and SECRET_KEY, against the dev provider.

Instance A runs 4 sync workers, instance B 2, on different ports.  200 logins
run from 8 browser threads; each starts on one instance and finishes on the
other (the direction alternates), so the flow state can only have travelled
through Redis and the signed cookie.  Every login must succeed, and replaying
its callback must be refused.  ``X-Served-By`` names the worker process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from flask_oauth_registry.devprovider import RunningProvider
from tests.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[2]
LOGINS = 200
BROWSERS = 8
SECRET_KEY = "gunicorn-shared-secret-key"

pytestmark = pytest.mark.slow


def gunicorn_command() -> list[str]:
    executable = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set and gunicorn is not installed (it belongs in the dev extra)", pytrace=False)
        pytest.skip("gunicorn is not installed (pip install gunicorn); CI is unset")
    return [executable]


@dataclass
class Instance:
    """One gunicorn master with its workers."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_gunicorn(workers: int, env: dict[str, str], log: Path) -> Instance:
    port = free_port()
    command = gunicorn_command() + [
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5",
        "--log-level", "warning", "--error-logfile", str(log), "examples.quickstart:create_app()",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Instance(port, process, log)


def wait_until_serving(instance: Instance, timeout: float = 45) -> None:
    """Until the instance answers its home page (workers may still be importing the app)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {instance.log.read_text()[-2000:]}")
        try:
            if requests.get(instance.url + "/", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # refused, or accepted by the master before a worker is ready
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn on {instance.port} did not answer within {timeout} s")


def stop(instance: Instance) -> None:
    if instance.process.poll() is None:
        instance.process.terminate()
        try:
            instance.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait(timeout=5)


@pytest.fixture(scope="module")
def instances(redis_server: RedisServer, provider: RunningProvider, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[Instance, Instance]]:
    logs = tmp_path_factory.mktemp("gunicorn")
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "SECRET_KEY": SECRET_KEY, "REDIS_URL": redis_server.url,
        "DEVPROVIDER_URL": provider.url, "TOKEN_CACHE_DIR": str(logs / "unused-token-cache"),
    }
    started: list[Instance] = []
    try:
        started.append(start_gunicorn(4, env, logs / "a.log"))
        started.append(start_gunicorn(2, env, logs / "b.log"))
        for instance in started:
            wait_until_serving(instance)
        yield started[0], started[1]
    finally:
        for instance in started:
            stop(instance)


@dataclass
class LoginReport:
    """What one login saw."""

    started_by: str
    finished_by: str
    status: int
    location: str
    replay_status: int
    replay_text: str
    signed_in: bool = False
    errors: list[str] = field(default_factory=list)


def one_login(start: Instance, finish: Instance, replay_on: Instance) -> LoginReport:
    """A browser (one cookie jar: cookies do not depend on the port) logs in across the two instances."""
    with requests.Session() as browser:
        redirect = browser.get(start.url + "/login", allow_redirects=False, timeout=20)
        assert redirect.status_code == 302, redirect.text[:300]
        consent = requests.post(
            redirect.headers["Location"], data={"username": "alice", "decision": "allow"},
            allow_redirects=False, timeout=20,
        )
        assert consent.status_code == 302, consent.text[:300]
        callback = urlsplit(consent.headers["Location"])
        assert callback.port == start.port  # the provider sends the user back to where the login started
        path = f"{callback.path}?{callback.query}"
        finished = browser.get(finish.url + path, allow_redirects=False, timeout=20)
        report = LoginReport(
            started_by=redirect.headers.get("X-Served-By", "?"), finished_by=finished.headers.get("X-Served-By", "?"),
            status=finished.status_code, location=finished.headers.get("Location", ""),
            replay_status=0, replay_text="",
        )
        if finished.status_code == 302:
            home = browser.get(finish.url + "/", timeout=20)
            report.signed_in = "Signed in as" in home.text
        replay = browser.get(replay_on.url + path, allow_redirects=False, timeout=20)
        report.replay_status, report.replay_text = replay.status_code, replay.text
        return report


def test_two_hundred_logins_each_started_on_one_instance_and_finished_on_the_other(
    instances: tuple[Instance, Instance], provider: RunningProvider
) -> None:
    first, second = instances
    provider.reset_stats()
    plans = [(first, second, first) if n % 2 == 0 else (second, first, second) for n in range(LOGINS)]
    started = time.monotonic()
    with ThreadPoolExecutor(BROWSERS) as pool:
        reports = list(pool.map(lambda plan: one_login(*plan), plans, timeout=120))
    elapsed = time.monotonic() - started

    failures = [r for r in reports if r.status != 302 or not r.signed_in]
    replays_accepted = [r for r in reports if r.replay_status != 400 or "mismatching_state" not in r.replay_text]
    pids = {
        "A": Counter(r.started_by for r in reports[0::2]) + Counter(r.finished_by for r in reports[1::2]),
        "B": Counter(r.finished_by for r in reports[0::2]) + Counter(r.started_by for r in reports[1::2]),
    }
    print(
        f"\n{LOGINS} logins in {elapsed:.1f} s with {BROWSERS} browsers: {len(failures)} failed, "
        f"{LOGINS - len(replays_accepted)} replays refused; worker pids A={dict(pids['A'])} B={dict(pids['B'])}; "
        f"provider {provider.stats()}"
    )
    assert failures == []
    assert replays_accepted == []
    assert set(pids["A"]).isdisjoint(pids["B"])
    assert len(pids["A"]) >= 2 and len(pids["B"]) >= 1  # requests really were spread over processes
    assert provider.stats()["token_requests"] == {"authorization_code": LOGINS}
