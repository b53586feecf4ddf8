"""A private PostgreSQL server for a test session (or a benchmark).

Nothing here touches a system-wide cluster: :class:`PrivatePostgres` runs
Debian's binaries (``/usr/lib/postgresql/<version>/bin``, the newest installed
version, or ``$SSC_PG_BINDIR``) on a data directory of its own in a temporary
directory, listening on a free loopback port, with its unix socket in that
temporary directory. PostgreSQL refuses to run as root, so under root the
server (and ``initdb``) run as the ``postgres`` OS user (``subprocess``'s
``user=``/``group=``: a plain setuid in the child, no ``su`` session); as any
other user they run as that user.

The superuser ``postgres`` has a random password (scram-sha-256 on loopback
TCP), so another local user cannot use the server during the session.
:meth:`PrivatePostgres.create_database` gives a fresh database and its
SQLAlchemy URL (``postgresql+psycopg://...``). :meth:`PrivatePostgres.stop`
shuts the server down (fast shutdown, then harder signals, bounded) and
deletes the directory.

Pytest fixtures (import them into a test module to use them):

- ``postgres_server``: one server for the whole session (started lazily);
  skipped with a reason where PostgreSQL is not installed, a failure under
  ``CI=true`` (CI installs it: ``scripts/install.sh``);
- ``postgres_url``: a fresh database on it for one test, dropped afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
import weakref
from pathlib import Path
from .needs import require
from .network import free_port  # noqa: F401 - also this module's API

#: the server's settings for tests: durability off (the data dies with the session)
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
#: always
BASE_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",  # keep statements (test data) out of the log
    "logging_collector": "off",
    "dynamic_shared_memory_type": "posix",
    "timezone": "UTC",
}
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here (not installed, no postgres user...)."""


def find_bindir() -> Path | None:
    """The directory of ``initdb`` and ``postgres``: ``$SSC_PG_BINDIR``, else Debian's newest."""
    env = os.environ.get("SSC_PG_BINDIR")
    if env:
        path = Path(env)
        return path if (path / "initdb").exists() else None
    candidates = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(initdb).parent.parent.name
        try:
            key = tuple(int(p) for p in version.split("."))
        except ValueError:
            continue
        candidates.append((key, Path(initdb).parent))
    if candidates:
        return max(candidates)[1]
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def unavailable() -> str | None:
    """Why a private PostgreSQL cannot run here, or None."""
    bindir = find_bindir()
    if bindir is None:
        return "PostgreSQL is not installed (apt-get install postgresql; scripts/install.sh does)"
    if not (bindir / "postgres").exists():
        return f"no postgres binary in {bindir}"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' OS user to run the server as"
    return None


class PrivatePostgres:
    """One private PostgreSQL server: ``with PrivatePostgres() as pg: url = pg.create_database()``."""

    def __init__(self, *, bindir: str | Path | None = None, base_dir: str | Path | None = None,
                 settings: dict[str, str] | None = None, fast: bool = True):
        reason = unavailable() if bindir is None else None
        if reason:
            raise PostgresUnavailable(reason)
        self.bindir = Path(bindir) if bindir else find_bindir()
        self.settings = dict(BASE_SETTINGS)
        if fast:
            self.settings.update(FAST_SETTINGS)
        self.settings.update(settings or {})
        self._base_dir = base_dir
        self.password = secrets.token_hex(16)
        self.user = "postgres"
        self.port: int | None = None
        self.dir: Path | None = None
        self._proc: subprocess.Popen | None = None
        self._finalizer = None
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            self._run_as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
            self._owner = (entry.pw_uid, entry.pw_gid)
        else:
            self._run_as = {}
            self._owner = None

    # --- paths and URLs ----------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.dir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.dir / "socket"

    @property
    def log_file(self) -> Path:
        return self.dir / "postgres.log"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def url(self, database: str = "postgres", driver: str = "psycopg") -> str:
        """A SQLAlchemy URL of ``database`` over loopback TCP (with the password)."""
        if self.port is None:
            raise RuntimeError("the private PostgreSQL is not running")
        return (f"postgresql+{driver}://{self.user}:{self.password}@127.0.0.1:{self.port}/"
                f"{database}")

    def conninfo(self, database: str = "postgres") -> str:
        return (f"host=127.0.0.1 port={self.port} user={self.user} password={self.password} "
                f"dbname={database} connect_timeout=5")

    # --- lifecycle -----------------------------------------------------------------------
    def start(self) -> "PrivatePostgres":
        if self.running:
            return self
        base = self._base_dir
        if base is None and self._owner is not None:
            # the postgres user must be able to reach the directory: /tmp is world-traversable
            base = "/tmp" if os.path.isdir("/tmp") else None
        self.dir = Path(tempfile.mkdtemp(prefix="ssc-pg-", dir=base))
        # if this process dies without stop(), at least the server goes (atexit / gc)
        self._finalizer = weakref.finalize(self, _stop_and_remove, None, str(self.dir))
        try:
            self._initdb()
            last_error = None
            for _attempt in range(3):  # a free port can be taken between probing and binding
                self.port = free_port()
                try:
                    self._launch()
                    break
                except PostgresUnavailable as exc:
                    last_error = exc
                    if "could not bind" not in str(exc) and "in use" not in str(exc):
                        raise
            else:
                raise last_error  # type: ignore[misc]
        except BaseException:
            self.stop()
            raise
        return self

    def _chown(self, path: Path) -> None:
        if self._owner is not None:
            os.chown(path, *self._owner)

    def _initdb(self) -> None:
        assert self.dir is not None
        self._chown(self.dir)
        os.chmod(self.dir, 0o700)
        self.socket_dir.mkdir(mode=0o700)
        self._chown(self.socket_dir)
        pwfile = self.dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        os.chmod(pwfile, 0o600)
        self._chown(pwfile)
        cmd = [str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", self.user,
               f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256",
               "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
        try:
            done = subprocess.run(cmd, cwd=self.dir, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=120,
                                  env=self._env(), **self._run_as)
        except subprocess.TimeoutExpired:
            raise PostgresUnavailable("initdb did not finish in 120 s") from None
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed ({done.returncode}): {done.stdout[-2000:]}")

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        if self._owner is not None:
            env["HOME"] = str(self.dir)
            env["USER"] = env["LOGNAME"] = "postgres"
        return env

    def _launch(self) -> None:
        assert self.dir is not None and self.port is not None
        cmd = [str(self.bindir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
               "-k", str(self.socket_dir)]
        for name, value in self.settings.items():
            cmd += ["-c", f"{name}={value}"]
        log = open(self.log_file, "ab")
        try:
            self._chown(self.log_file)
            self._proc = subprocess.Popen(cmd, cwd=self.dir, stdin=subprocess.DEVNULL,
                                          stdout=log, stderr=subprocess.STDOUT,
                                          env=self._env(), start_new_session=True,
                                          **self._run_as)
        finally:
            log.close()
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _stop_and_remove, self._proc, str(self.dir))
        self._wait_ready()

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT_S
        last = None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                tail = self.log_tail()
                self._proc = None
                raise PostgresUnavailable(f"postgres exited at start: {tail}")
            try:
                with psycopg.connect(self.conninfo(), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                last = exc
                time.sleep(0.05)
        raise PostgresUnavailable(f"postgres did not accept connections in {START_TIMEOUT_S:.0f} s "
                                  f"({last}): {self.log_tail()}")

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stop the server (bounded) and delete its directory. Idempotent."""
        proc, self._proc = self._proc, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        _stop_and_remove(proc, str(self.dir) if self.dir else None, timeout)
        self.dir = None
        self.port = None

    # --- databases ---------------------------------------------------------------------------
    def admin(self):
        """An autocommit psycopg connection to the ``postgres`` database (close it)."""
        import psycopg

        return psycopg.connect(self.conninfo(), autocommit=True)

    def create_database(self, name: str | None = None) -> str:
        """Create a database (a fresh name unless given); return its SQLAlchemy URL."""
        name = name or f"bo_{uuid.uuid4().hex[:12]}"
        if not name.replace("_", "").isalnum():
            raise ValueError(f"bad database name {name!r}")
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending its remaining connections."""
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self) -> "PrivatePostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"127.0.0.1:{self.port}" if self.port else "stopped"
        return f"PrivatePostgres({where}, bindir={self.bindir})"


def _stop_and_remove(proc: subprocess.Popen | None, directory: str | None,
                     timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGINT (fast shutdown), then SIGQUIT (immediate), then SIGKILL; then delete the dir."""
    if proc is not None and proc.poll() is None:
        deadline = time.monotonic() + timeout
        for sig, share in ((signal.SIGINT, 0.7), (signal.SIGQUIT, 0.2), (signal.SIGKILL, 0.1)):
            try:
                proc.send_signal(sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(max(0.2, (deadline - time.monotonic()) * share / 1.0))
                break
            except subprocess.TimeoutExpired:
                continue
        if proc.poll() is None:
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            # children of a killed postmaster exit on their own; kill the group to be sure
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


# --- pytest fixtures -------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # the benchmark imports this module without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    _shared: dict = {"server": None, "users": 0}

    @pytest.fixture(scope="session")
    def postgres_server():
        """One private PostgreSQL for the session (skip where it cannot run; fail under CI).

        Test modules import this fixture, which makes one fixture per module to
        pytest; they share one server (started by the first, stopped by the last).
        """
        reason = unavailable()
        if reason:
            require(f"PostgreSQL: {reason}", ci_hint="CI runs the PostgreSQL tests")
        if _shared["server"] is None:
            server = PrivatePostgres()
            try:
                server.start()
            except PostgresUnavailable as exc:
                require(f"PostgreSQL: the private server did not start: {exc}",
                        ci_hint="CI runs the PostgreSQL tests")
            _shared["server"] = server
        _shared["users"] += 1
        try:
            yield _shared["server"]
        finally:
            _shared["users"] -= 1
            if _shared["users"] == 0:
                server, _shared["server"] = _shared["server"], None
                server.stop()

    @pytest.fixture
    def postgres_url(postgres_server):
        """A fresh database on the session's private PostgreSQL (dropped afterwards)."""
        name = f"bo_{uuid.uuid4().hex[:12]}"
        url = postgres_server.create_database(name)
        yield url
        postgres_server.drop_database(name)

