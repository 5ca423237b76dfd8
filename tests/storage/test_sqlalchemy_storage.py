"""``SQLAlchemyStorage``: upserts under concurrency, failures that name no token, and the ways to hand it a session."""

from __future__ import annotations

import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from flask_oauth_registry import ConfigurationError, StorageError
from flask_oauth_registry.storage import SQLAlchemyStorage
from tests.storage.backends import Backend, Base, OAuthToken

TOKEN = {"access_token": "at-first", "token_type": "Bearer", "refresh_token": "rt-first"}
NEWER = {"access_token": "at-second", "token_type": "Bearer", "refresh_token": "rt-second"}


def rows(backend: Backend) -> list[OAuthToken]:
    assert backend.engine is not None
    with Session(backend.engine) as session:
        return list(session.scalars(select(OAuthToken)))


def test_a_write_the_database_refuses_names_no_token_and_keeps_the_old_one(sql_backend: Backend) -> None:
    sql_backend.storage.set("google", "alice", TOKEN)
    assert sql_backend.writes_blocked is not None

    with sql_backend.writes_blocked(), pytest.raises(StorageError) as caught:
        sql_backend.storage.set("google", "alice", NEWER)  # the UPDATE, with the token as a parameter, fails

    assert "OperationalError" in str(caught.value)
    shown = "".join(traceback.format_exception(caught.value))
    assert "at-second" not in shown and "rt-second" not in shown
    assert sql_backend.storage.get("google", "alice") == TOKEN


def test_a_concurrent_first_store_of_the_same_key_ends_as_one_row_with_the_later_token(sql_backend: Backend) -> None:
    engine = sql_backend.engine
    assert engine is not None
    other = create_engine(engine.url.render_as_string(hide_password=False))
    raced: list[bool] = []

    def another_worker_inserts_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not raced and statement.lstrip().upper().startswith("INSERT INTO OAUTH_TOKEN"):
            raced.append(True)
            with other.begin() as connection:
                connection.execute(insert(OAuthToken).values(name="google", user_id="alice", account="", token=TOKEN))

    event.listen(engine, "before_cursor_execute", another_worker_inserts_first)
    try:
        sql_backend.storage.set("google", "alice", NEWER)
    finally:
        event.remove(engine, "before_cursor_execute", another_worker_inserts_first)
        other.dispose()

    assert raced
    assert sql_backend.storage.get("google", "alice") == NEWER
    assert [(row.name, row.user_id, row.account) for row in rows(sql_backend)] == [("google", "alice", "")]


def test_rows_record_when_they_were_created_and_last_written(sql_backend: Backend) -> None:
    sql_backend.storage.set("google", "alice", TOKEN)
    [first] = rows(sql_backend)
    sql_backend.storage.set("google", "alice", TOKEN)
    [second] = rows(sql_backend)

    assert second.id == first.id and second.created_at == first.created_at
    assert second.updated_at > first.updated_at


def test_a_row_repr_shows_no_token(sql_backend: Backend) -> None:
    sql_backend.storage.set("google", "alice", TOKEN, account="sub-1")
    [row] = rows(sql_backend)

    assert repr(row) == "<OAuthToken name='google' user_id='alice' account='sub-1'>"


def test_a_plain_session_is_used_and_committed(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        SQLAlchemyStorage(session, OAuthToken).set("google", "alice", TOKEN)

    with Session(engine) as fresh:
        assert SQLAlchemyStorage(fresh, OAuthToken).get("google", "alice") == TOKEN
    engine.dispose()


def test_flask_sqlalchemy_db_is_used_through_db_session(app: Flask, tmp_path: Path) -> None:
    pytest.importorskip("flask_sqlalchemy", reason="Flask-SQLAlchemy is not installed")
    from tests.storage.flask_models import FlaskOAuthToken, db

    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'flask.sqlite3'}"
    db.init_app(app)
    storage = SQLAlchemyStorage(db, FlaskOAuthToken)
    with app.app_context():
        db.create_all()
        storage.set("google", "alice", TOKEN)
        db.session.remove()  # the request ends: what the storage wrote was committed
        count = db.session.scalar(select(func.count()).select_from(FlaskOAuthToken))
        assert count == 1 and storage.get("google", "alice") == TOKEN
        db.session.remove()
        db.engine.dispose()


def test_a_model_without_the_mixin_or_an_unknown_session_is_a_configuration_error(tmp_path: Path) -> None:
    engine = create_engine("sqlite://")
    with pytest.raises(ConfigurationError, match="OAuthTokenMixin"):
        SQLAlchemyStorage(sessionmaker(engine), Base)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="sessionmaker"):
        SQLAlchemyStorage(engine, OAuthToken)


def test_importing_the_storage_package_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys, flask_oauth_registry.storage as storage; "
        "assert 'sqlalchemy' not in sys.modules, 'imported early'; "
        "storage.SQLAlchemyStorage; assert 'sqlalchemy' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
