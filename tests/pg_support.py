"""A throwaway PostgreSQL server for the store tests.

``$MARSAD_TEST_PG`` (a URL of a role that may ``CREATE DATABASE``, e.g.
``postgresql://postgres@localhost/postgres``) is used when set. Otherwise Debian's server
binaries (``/usr/lib/postgresql/*/bin``, package ``postgresql``) start a cluster in a temp
directory: a free port, the unix socket in that directory, fsync off. As root the server
runs as the ``postgres`` user (or ``nobody``), as PostgreSQL refuses to run as root. When no
server can be had (no psycopg, no binaries, it will not start) the PostgreSQL tests are
skipped, never failed. Each test gets a database of its own (:func:`PgServer.new_db`)."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

ENV = "MARSAD_TEST_PG"
_names = itertools.count(1)


class PgServer:
    """A server the tests may create databases on."""

    def __init__(self, admin_url: str, url_for: str) -> None:
        #: a URL to a maintenance database (postgres) of a superuser
        self.admin_url = admin_url
        #: the URL with ``{db}`` in place of the database name
        self.url_for = url_for

    def new_db(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"marsad_test_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url_for.format(db=name)


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user() -> tuple[list[str], str | None]:
    """The command prefix that runs the server unprivileged, and that user's name."""
    if os.geteuid() != 0:
        return [], None
    runuser = shutil.which("runuser")
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        if runuser:
            return [runuser, "-u", name, "--"], name
    raise RuntimeError("running as root without runuser or a postgres/nobody user")


def _run(cmd: list[str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run(cmd, check=True, stdout=out, stderr=subprocess.STDOUT, timeout=120,
                       stdin=subprocess.DEVNULL)


@contextlib.contextmanager
def _local_server() -> Iterator[PgServer]:
    bindir = _binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
    prefix, user = _as_user()
    tmp = Path(tempfile.mkdtemp(prefix="marsad-pg-"))
    data, log = tmp / "data", tmp / "server.log"
    log.touch()
    if user is not None:
        ent = pwd.getpwnam(user)
        os.chown(tmp, ent.pw_uid, ent.pw_gid)
        os.chown(log, ent.pw_uid, ent.pw_gid)
    port = _free_port()
    started = False
    try:
        _run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "marsad",
              "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], log)
        opts = (f"-c listen_addresses='' -p {port} -k {tmp} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        _run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts,
              "-w", "-t", "60", "start"], log)
        started = True
        host = quote(str(tmp), safe="")
        yield PgServer(f"postgresql://marsad@/postgres?host={host}&port={port}",
                       f"postgresql://marsad@/{{db}}?host={host}&port={port}")
    finally:
        if started:
            with contextlib.suppress(Exception):
                _run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                      "-w", "stop"], log)
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def pg_server_or_skip() -> Iterator[PgServer | str]:
    """The server, or why there is none (the tests then skip with that reason)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        yield "psycopg is not installed (pip install 'marsad[postgres]')"
        return
    url = os.environ.get(ENV)
    if url:
        base, _, query = url.partition("?")
        head = base.rsplit("/", 1)[0]
        yield PgServer(url, head + "/{db}" + (f"?{query}" if query else ""))
        return
    try:
        cm = _local_server()
        server = cm.__enter__()
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        yield f"no PostgreSQL server could be started: {err}"
        return
    try:
        yield server
    finally:
        cm.__exit__(None, None, None)


def require(server: PgServer | str) -> PgServer:
    if isinstance(server, str):
        pytest.skip(server)
    return server


#: the store backends the store and API tests run on
BACKENDS = ("sqlite", "postgresql")


def store_target(backend: str, directory: Path, server: PgServer | str
                 ) -> Callable[[str], str]:
    """``--db`` values for new stores: a file in ``directory`` (``name``) on SQLite, a new
    database on PostgreSQL (skips the test when there is no server)."""
    if backend == "sqlite":
        return lambda name: str(directory / name)
    pg = require(server)
    return lambda name: pg.new_db()
