"""Run a private pcscd with vpcd virtual readers, for tests, the benchmark and the demo.

::

    with Pcscd(port=35990) as daemon:          # readers "Virtual PCD 00 00" and "... 00 01"
        card.start(daemon.slot_port(0))        # a software card connects to the slot
        ...
        daemon.restart()                       # pcscd goes away and comes back
        daemon.restart(readers=0)              # comes back with no reader: "reader unplugged"
        daemon.stop()

What the daemon and the driver do (Debian 12: pcsc-lite 1.9.9, vsmartcard-vpcd
3.3), found by experiment:

- The client socket is fixed at ``/run/pcscd/pcscd.comm`` (this pcscd ignores
  ``PCSCLITE_CSOCK_NAME``), so one pcscd per machine: :meth:`Pcscd.start` stops
  whatever pcscd runs (SIGTERM, then SIGKILL after a bounded wait; one started
  by systemd socket activation is stopped like any other process, and on such
  a machine ``systemctl stop pcscd.socket`` keeps systemd from starting it
  again) and removes the stale pid/socket files a killed daemon leaves.
- One vpcd entry in reader.conf.d (``DEVICENAME /dev/null:PORT``, ``CHANNELID
  PORT``) always gives **two** readers, ``"<FRIENDLYNAME> 00 00"`` on TCP PORT
  and ``"<FRIENDLYNAME> 00 01"`` on PORT+1: the slot count is compiled into the
  driver (``vicc_max_slots`` = 2), so ``readers=1`` and ``readers=2`` both
  give two readers. ``readers=3`` or ``4`` adds a second entry on PORT+2/PORT+3
  named ``"<FRIENDLYNAME> B 00 00"`` / ``"... B 00 01"``. Two entries with the
  *same* FRIENDLYNAME produce duplicate reader names (both ``... 00 00``), so
  every entry gets its own name.
- With ``/dev/null`` as host the driver *listens* on 0.0.0.0 (all interfaces),
  not only on loopback; a card connects to it. (Naming a host instead makes
  the driver connect out to a listening card, which we do not use.)
- Serial readers from reader.conf.d are read once at startup: ``pcscd -H``
  (SIGUSR1) neither adds nor removes them (tried: no change), so a reader can
  only vanish by restarting pcscd with another configuration: :meth:`restart`
  with ``readers=0`` (no vpcd entry) or another ``name``. A client sees that
  as the service going away and coming back with a different reader list.
- pcscd starts and answers in about 40 ms; SIGTERM stops it at once (it
  removes its pid and socket files; after SIGKILL they stay, and are removed
  here). A client context made before a restart keeps answering
  ``SCARD_E_NO_SERVICE``: clients must make a new one.
- Without an open connection pcscd polls the card's presence about every
  0.4 s (an ATR request over the socket); a card that closes its socket is
  seen as removed within that time, and a card that connects is seen as
  inserted within it.
- pcscd is started with ``-f`` (foreground, logs to the log file in
  ``workdir``) and never with ``-a`` (which would log APDUs, PINs included).

Since there can be only one pcscd, two processes using this harness at once
(two test sessions on one machine) would kill each other's daemon. So a
:class:`Pcscd` takes a machine-wide lock (``flock`` on
``/run/lock/ssc-kiosk-pcscd.lock``) at its first :meth:`~Pcscd.start` and
keeps it across stop/restart until :meth:`~Pcscd.close` (or the process
ends); another process waits for it up to ``lock_timeout`` seconds, then gets
:class:`PcscdBusy`. Instances within one process share the lock.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from pathlib import Path

log = logging.getLogger(__name__)

VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
RUN_DIR = Path("/run/pcscd")
DEFAULT_PORT = 35963
DEFAULT_NAME = "Virtual PCD"
SLOTS_PER_ENTRY = 2
READY_TIMEOUT_S = 5.0
_LEVEL_FLAGS = {"critical": "-C", "error": "-e", "info": "-i", "debug": "-d"}

_live: "weakref.WeakSet[Pcscd]" = weakref.WeakSet()


class PcscdError(RuntimeError):
    """pcscd could not be started, or did not become ready in time."""


class PcscdBusy(PcscdError):
    """Another process holds the machine's pcscd (the harness lock) and did not let go in time."""


LOCK_PATH = Path("/run/lock" if os.path.isdir("/run/lock") else tempfile.gettempdir()) \
    / "ssc-kiosk-pcscd.lock"
LOCK_TIMEOUT_S = 120.0


class _MachineLock:
    """One flock per process, shared by the instances that hold it (a counter)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._holders: set[int] = set()
        self._lock = threading.Lock()

    def acquire(self, holder: object, timeout: float) -> None:
        with self._lock:
            if self._fd is None:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            os.close(fd)
                            raise PcscdBusy(f"another process has held {self.path} for more than "
                                            f"{timeout:g} s (is another test session running?)") from None
                        time.sleep(0.1)
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._fd = fd
            self._holders.add(id(holder))

    def release(self, holder: object) -> None:
        with self._lock:
            self._holders.discard(id(holder))
            if not self._holders and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None


_MACHINE_LOCK = _MachineLock(LOCK_PATH)


def available() -> str | None:
    """None when pcscd and the vpcd driver are installed, else what is missing."""
    if not shutil.which("pcscd"):
        return "pcscd is not installed (apt install pcscd)"
    if not os.path.exists(VPCD_DRIVER):
        return "the vpcd driver is not installed (apt install vsmartcard-vpcd)"
    return None


def port_free(port: int) -> bool:
    """True when nothing listens on TCP ``port`` (checked by binding it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_port_pair(start: int = 35990, stop: int = 36190, *, slots: int = SLOTS_PER_ENTRY) -> int:
    """The first port from ``start`` such that ``slots`` consecutive ports are free."""
    for port in range(start, stop, slots):
        if all(port_free(port + i) for i in range(slots)):
            return port
    raise PcscdError(f"no {slots} free consecutive ports in {start}..{stop}")


def _pcscd_pids() -> list[int]:
    """Live (not zombie) processes whose command is pcscd."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "pcscd":
                continue
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state = stat.rsplit(")", 1)[1].split()[0]
        if state not in ("Z", "X"):
            pids.append(int(entry.name))
    return pids


def stop_running_pcscd(timeout: float = 3.0) -> list[int]:
    """Stop every pcscd of the machine: SIGTERM, then SIGKILL after ``timeout``.

    Returns the pids that were signalled. Removes stale pid/socket files.
    """
    pids = _pcscd_pids()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while _pcscd_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in _pcscd_pids():
        log.warning("pcscd %d did not stop on SIGTERM; killing it", pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 2.0
    while _pcscd_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    if _pcscd_pids():
        raise PcscdError(f"pcscd processes {_pcscd_pids()} would not stop")
    for stale in ("pcscd.comm", "pcscd.pid"):
        try:
            (RUN_DIR / stale).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove %s: %s", RUN_DIR / stale, exc)
    return pids


def _list_readers() -> list[str] | None:
    """The reader names pcscd reports, [] for none, None when it does not answer."""
    from smartcard import scard

    try:
        hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    except Exception:  # noqa: BLE001 - pyscard may raise on odd states
        return None
    if hr != scard.SCARD_S_SUCCESS:
        return None
    try:
        hr, names = scard.SCardListReaders(ctx, [])
        if hr == scard.SCARD_S_SUCCESS:
            return list(names)
        if hr & 0xFFFFFFFF == scard.SCARD_E_NO_READERS_AVAILABLE & 0xFFFFFFFF:
            return []
        return None
    except Exception:  # noqa: BLE001
        return None
    finally:
        try:
            scard.SCardReleaseContext(ctx)
        except Exception:  # noqa: BLE001
            pass


class Pcscd:
    """A pcscd of our own, with vpcd readers on ``port`` (and the ports after it).

    ``readers``: how many vpcd reader slots to configure (0 = none; 1 or 2 =
    one driver entry, which always gives two readers; 3 or 4 = two entries).
    ``name``: the FRIENDLYNAME of the first entry.
    """

    def __init__(self, port: int = DEFAULT_PORT, readers: int = 1,
                 workdir: str | os.PathLike | None = None, *, name: str = DEFAULT_NAME,
                 log_level: str = "error", ready_timeout: float = READY_TIMEOUT_S,
                 lock_timeout: float = LOCK_TIMEOUT_S):
        if log_level not in _LEVEL_FLAGS:
            raise ValueError(f"log_level is one of {sorted(_LEVEL_FLAGS)}")
        self.port = port
        self.readers = readers
        self.name = name
        self.log_level = log_level
        self.ready_timeout = ready_timeout
        self.lock_timeout = lock_timeout
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="pcscd-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.conf_dir = self.workdir / "reader.conf.d"
        self.log_path = self.workdir / "pcscd.log"
        self._proc: subprocess.Popen | None = None
        self._log_file = None
        self._lock = threading.RLock()
        _live.add(self)

    # -- configuration -----------------------------------------------------

    def entries(self) -> list[tuple[str, int]]:
        """(FRIENDLYNAME, port) of each vpcd entry written for the current settings."""
        count = -(-self.readers // SLOTS_PER_ENTRY) if self.readers > 0 else 0
        names = [self.name] + [f"{self.name} {chr(ord('B') + i)}" for i in range(count - 1)]
        return [(names[i], self.port + SLOTS_PER_ENTRY * i) for i in range(count)]

    @property
    def reader_names(self) -> list[str]:
        """The names pcscd gives the configured readers, in slot order."""
        return [f"{name} 00 {slot:02X}" for name, _ in self.entries()
                for slot in range(SLOTS_PER_ENTRY)]

    def slot_port(self, index: int = 0) -> int:
        """The TCP port a software card connects to for reader ``index``."""
        if not 0 <= index < len(self.reader_names):
            raise IndexError(f"no reader slot {index} (have {len(self.reader_names)})")
        return self.port + index

    def _write_config(self) -> None:
        if self.conf_dir.exists():
            shutil.rmtree(self.conf_dir)
        self.conf_dir.mkdir(parents=True)
        text = ""
        for name, port in self.entries():
            text += (f'FRIENDLYNAME "{name}"\n'
                     f"DEVICENAME   /dev/null:0x{port:04X}\n"
                     f"LIBPATH      {VPCD_DRIVER}\n"
                     f"CHANNELID    0x{port:04X}\n\n")
        if text:
            (self.conf_dir / "vpcd").write_text(text)

    # -- life cycle --------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running else None

    def start(self, *, readers: int | None = None, name: str | None = None,
              port: int | None = None) -> "Pcscd":
        """Start pcscd (stopping any other first); returns once the readers are listed."""
        with self._lock:
            if readers is not None:
                self.readers = readers
            if name is not None:
                self.name = name
            if port is not None:
                self.port = port
            if self.running:
                raise PcscdError("this pcscd is already running")
            missing = available()
            if missing:
                raise PcscdError(missing)
            _MACHINE_LOCK.acquire(self, self.lock_timeout)
            stop_running_pcscd()
            busy = [p for _, first in self.entries() for p in (first, first + 1) if not port_free(p)]
            if busy:
                raise PcscdError(f"TCP ports {busy} are in use; choose another port")
            self._write_config()
            self._log_file = open(self.log_path, "ab")
            self._log_file.write(f"--- pcscd start {time.strftime('%H:%M:%S')} "
                                 f"readers={self.reader_names}\n".encode())
            self._log_file.flush()
            self._proc = subprocess.Popen(
                ["pcscd", "-f", _LEVEL_FLAGS[self.log_level], "-c", str(self.conf_dir)],
                stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
                start_new_session=True)
            try:
                self._wait_ready()
            except BaseException:
                self.stop()
                raise
            return self

    def _wait_ready(self) -> None:
        want = set(self.reader_names)
        deadline = time.monotonic() + self.ready_timeout
        seen = None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise PcscdError(f"pcscd exited with {self._proc.returncode}:\n{self.log_tail()}")
            if (RUN_DIR / "pcscd.comm").exists():
                seen = _list_readers()
                if seen is not None and want <= set(seen) and (want or not seen):
                    return
            time.sleep(0.02)
        raise PcscdError(f"pcscd not ready in {self.ready_timeout} s (readers seen: {seen}):\n"
                         f"{self.log_tail()}")

    def stop(self, timeout: float = 3.0) -> None:
        """Stop our pcscd (SIGTERM, then SIGKILL); a no-op when it is not running."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    log.warning("pcscd %d did not stop on SIGTERM; killing it", proc.pid)
                    proc.kill()
                    proc.wait(2.0)
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def restart(self, *, readers: int | None = None, name: str | None = None,
                port: int | None = None) -> "Pcscd":
        """Stop, then start again (optionally with another reader configuration)."""
        with self._lock:
            self.stop()
            return self.start(readers=readers, name=name, port=port)

    def close(self) -> None:
        """Stop, let other processes have pcscd, remove the work directory if it was temporary."""
        self.stop()
        _MACHINE_LOCK.release(self)
        _live.discard(self)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> "Pcscd":
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"Pcscd(port={self.port}, readers={self.reader_names}, {state})"


@atexit.register
def _stop_all() -> None:
    """Never leave a pcscd of ours behind when the process ends."""
    for daemon in list(_live):
        try:
            daemon.stop()
        except Exception:  # noqa: BLE001
            pass
