"""``SQLAlchemyStorage``: tokens in a database table, through SQLAlchemy (the ``[sqlalchemy]`` extra).

The table comes from the application: a model that mixes in :class:`OAuthTokenMixin`
(its columns and a unique ``(name, user_id, account)``), so it lives in the app's
metadata and migrations.  The storage works with a plain SQLAlchemy ``Session``, a
``scoped_session``, a ``sessionmaker`` or Flask-SQLAlchemy's ``db``::

    class OAuthToken(OAuthTokenMixin, db.Model):
        __tablename__ = "oauth_token"

    storage = SQLAlchemyStorage(db, OAuthToken)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, scoped_session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from ..registry.errors import ConfigurationError, StorageError
from .base import DEFAULT_ACCOUNT, TokenStorage, account_key, check_owner, copy_token, plain_token

T = TypeVar("T")
AnySession = Session | scoped_session[Session]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class OAuthTokenMixin:
    """The columns of a token table; mix it into a declarative model that names the table.

    ``name`` is the remote app, ``user_id`` the application's user (a string: make it a
    foreign key by redeclaring the column in the model), ``account`` the token's subject
    when one user keeps several accounts of a provider (``""``, never NULL, for the single
    account, so the unique constraint holds), ``token`` the whole token as JSON.  The
    ``repr`` leaves the token out, so a logged row shows no credential.  Keys compare
    case-sensitively, as subjects must; on MySQL, whose default collation ignores case,
    give the string columns a binary collation.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # 255 characters each keeps the unique index under MySQL's 3072-byte limit in utf8mb4.
    name: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    account: Mapped[str] = mapped_column(String(255), default=DEFAULT_ACCOUNT)
    token: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        # A new constraint per table: one Constraint object cannot belong to two tables.
        return (UniqueConstraint("name", "user_id", "account"),)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} user_id={self.user_id!r} account={self.account!r}>"


class SQLAlchemyStorage(TokenStorage):
    """Keeps tokens as rows of ``model``, one per ``(name, user, account)``.

    ``session_or_db`` is a ``Session`` or ``scoped_session`` (shared with the
    application), Flask-SQLAlchemy's ``db`` (its ``db.session``), or a ``sessionmaker``
    (a session of the storage's own for each operation).  ``set`` inserts or updates
    (a concurrent insert of the same key is retried as an update) and ``set`` and
    ``delete`` commit, as Flask-Dance's storage does.

    A database error (``OperationalError``, ``IntegrityError``...) rolls the session
    back and becomes :class:`~flask_oauth_registry.StorageError`: the row keeps its
    old token.  With a shared session that rollback also discards the application's
    uncommitted changes in it; commit them first, or give a ``sessionmaker``.  The
    error's ``__cause__`` is the database driver's error, not SQLAlchemy's, whose
    message would quote the bound parameters, the token among them.
    """

    def __init__(self, session_or_db: Any, model: type[OAuthTokenMixin]) -> None:
        if not (isinstance(model, type) and issubclass(model, OAuthTokenMixin) and hasattr(model, "__table__")):
            raise ConfigurationError(description="SQLAlchemyStorage needs a mapped model class with OAuthTokenMixin")
        self.model = model
        self._factory, self._shared = _session_source(session_or_db)

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The stored token, as a fresh ``dict``, or ``None``."""
        query = select(self.model.token).where(*self._row(name, user, account))
        return copy_token(self._run("read the token", lambda session: session.execute(query).scalar_one_or_none()))

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Insert or update the row of ``(name, user, account)`` and commit."""
        check_owner(name, user)
        account, value = account_key(account), plain_token(token)

        def upsert(session: AnySession) -> None:
            try:
                self._write(session, name, user, account, value)
            except IntegrityError:
                # Another transaction inserted the same key between our SELECT and INSERT: update its row.
                session.rollback()
                self._write(session, name, user, account, value)

        self._run("store the token", upsert)

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Delete the row, if there is one, and commit."""
        statement = sql_delete(self.model).where(*self._row(name, user, account))

        def remove(session: AnySession) -> None:
            session.execute(statement)
            session.commit()

        self._run("delete the token", remove)

    def accounts(self, name: str, user: str) -> list[str]:
        """The accounts of ``user`` for ``name``, sorted."""
        check_owner(name, user)
        model = self.model
        query = select(model.account).where(model.name == name, model.user_id == user)
        # Sorted here, not by ORDER BY: a database collation may order "_a" and "a" otherwise than other backends.
        return sorted(self._run("list the accounts", lambda session: list(session.execute(query).scalars())))

    def _row(self, name: str, user: str, account: str | None) -> tuple[ColumnElement[bool], ...]:
        """The WHERE clauses that pick exactly one key's row."""
        check_owner(name, user)
        model = self.model
        return (model.name == name, model.user_id == user, model.account == account_key(account))

    def _write(self, session: AnySession, name: str, user: str, account: str, value: dict[str, Any]) -> None:
        row = session.execute(select(self.model).where(*self._row(name, user, account))).scalar_one_or_none()
        if row is None:
            row = self.model()
            row.name, row.user_id, row.account = name, user, account
            session.add(row)
        row.token = value
        row.updated_at = _utcnow()  # also when the token is unchanged, so the row shows when it was last written
        session.commit()

    def _run(self, doing: str, work: Callable[[AnySession], T]) -> T:
        """``work`` in a session; a database error rolls back and becomes ``StorageError``."""
        with self._session() as session:
            try:
                return work(session)
            except SQLAlchemyError as exc:
                _rollback(session)
                failure = exc
        # Raised outside the except block, so the SQLAlchemy error (and its parameters) is not the context either.
        raise StorageError(
            description=f"the token database could not {doing} ({type(failure).__name__})"
        ) from _driver_error(failure)

    @contextmanager
    def _session(self) -> Iterator[AnySession]:
        if self._factory is None:
            assert self._shared is not None
            yield self._shared
            return
        with self._factory() as session:
            yield session


def _session_source(session_or_db: Any) -> tuple[sessionmaker[Session] | None, AnySession | None]:
    """``(factory, None)`` for a ``sessionmaker``, ``(None, session)`` for a session or Flask-SQLAlchemy's ``db``."""
    if isinstance(session_or_db, sessionmaker):
        return session_or_db, None
    if isinstance(session_or_db, Session | scoped_session):
        return None, session_or_db
    db_session = getattr(session_or_db, "session", None)  # Flask-SQLAlchemy: db.session is a scoped_session
    if isinstance(db_session, Session | scoped_session):
        return None, db_session
    raise ConfigurationError(
        description="SQLAlchemyStorage needs a Session, scoped_session, sessionmaker or Flask-SQLAlchemy db, "
        f"not {type(session_or_db).__name__}"
    )


def _rollback(session: AnySession) -> None:
    try:
        session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone: SQLAlchemy discards it and the next operation reconnects


def _driver_error(exc: SQLAlchemyError) -> BaseException | None:
    """The error to chain: the driver's own for a failed statement (no bound parameters in it)."""
    if isinstance(exc, StatementError):
        return exc.orig if isinstance(exc.orig, BaseException) else None
    return exc
