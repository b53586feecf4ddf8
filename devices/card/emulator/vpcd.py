"""Attach a software card to pcscd's vpcd driver, so it sits in a real PC/SC reader.

vpcd (``vsmartcard-vpcd``, loaded by pcscd) listens on TCP; the card is the
client. Every message either way is a 2-byte big-endian length and a payload.
From vpcd, a 1-byte payload is a control: 0 power off, 1 power on, 2 reset,
4 ATR request (answered with the ATR as an ordinary message); anything longer
is an APDU, answered with data + SW. The reader sees a card while the card's
socket is connected, so removing the card is closing the socket.

Latency: vpcd writes the length and the APDU as two segments. Without
``TCP_QUICKACK`` re-armed before every receive, the card's delayed ACK holds
back the second segment behind Nagle and each APDU costs about 48 ms; with
it, about 0.1 ms. ``TCP_NODELAY`` does the same for our answers.

When vpcd is not listening (pcscd stopped or restarting) the bridge retries
with a backoff capped at 0.5 s, so the card comes back by itself.
"""

from __future__ import annotations

import logging
import socket
import threading

from .card import CardVanished, CommandAborted, SoftCard

log = logging.getLogger(__name__)

VPCD_PORT = 35963           # reader 0 of vpcd; reader N listens on 35963 + N
_CTRL_OFF, _CTRL_ON, _CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4
_MIN_BACKOFF_S = 0.05
_POLL_S = 0.25              # how often a blocked receive looks at stop/remove
_IDLE_S = 1.0


def _quickack(sock: socket.socket) -> None:
    """Re-arm TCP_QUICKACK: Linux clears it after every ACK it sends."""
    opt = getattr(socket, "TCP_QUICKACK", None)
    if opt is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, opt, 1)
        except OSError:
            pass


class VpcdBridge:
    """One software card (or none) in one vpcd reader, served on its own thread."""

    def __init__(self, card: SoftCard | None = None, host: str = "127.0.0.1",
                 port: int = VPCD_PORT, *, max_backoff_s: float = 0.5,
                 connect_timeout_s: float = 0.5):
        self.host = host
        self.port = port
        self.max_backoff_s = min(max_backoff_s, 0.5)
        self.connect_timeout_s = connect_timeout_s
        self._lock = threading.Lock()
        self._card = card
        self._sock: socket.socket | None = None
        self._abort: threading.Event | None = None   # cancels a slow command
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._attached = threading.Event()
        self._detached = threading.Event()
        self._detached.set()
        self._thread: threading.Thread | None = None

    # --- control ---------------------------------------------------------------
    @property
    def card(self) -> SoftCard | None:
        return self._card

    @property
    def attached(self) -> bool:
        """True while the card's socket is connected to vpcd."""
        return self._attached.is_set()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"vpcd-bridge {self.port}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 1.0) -> None:
        """Detach and end the thread; returns within about ``timeout_s``."""
        self._stop.set()
        with self._lock:
            self._kick()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("the vpcd bridge thread did not end within %.1f s", timeout_s)
            else:
                self._thread = None

    def insert(self, card: SoftCard) -> None:
        """Put ``card`` in the reader (another card there is taken out first)."""
        with self._lock:
            if self._card is card:
                return
            if self._card is not None:
                self._kick()
            self._card = card
        self._wake.set()

    def remove(self, timeout_s: float = 1.0) -> None:
        """Take the card out: its socket closes and the reader sees it leave."""
        with self._lock:
            had_socket = self._sock is not None
            self._card = None
            self._kick()
        self._wake.set()
        if had_socket and self._thread is not None:
            self._detached.wait(timeout_s)

    def wait_attached(self, timeout_s: float) -> bool:
        return self._attached.wait(timeout_s)

    def wait_detached(self, timeout_s: float) -> bool:
        return self._detached.wait(timeout_s)

    def _kick(self) -> None:
        """Wake the serving thread out of a receive or a slow command (lock held)."""
        if self._abort is not None:
            self._abort.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # --- the thread ------------------------------------------------------------------
    def _run(self) -> None:
        backoff = _MIN_BACKOFF_S
        said_waiting = False
        while not self._stop.is_set():
            self._wake.clear()
            card = self._card
            if card is None:
                self._wake.wait(_IDLE_S)
                continue
            sock = self._connect()
            if sock is None:
                if not said_waiting:
                    log.info("vpcd is not listening at %s:%d; retrying", self.host, self.port)
                    said_waiting = True
                self._wake.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            backoff, said_waiting = _MIN_BACKOFF_S, False
            with self._lock:
                if self._card is not card or self._stop.is_set():
                    sock.close()
                    continue
                self._sock, self._abort = sock, threading.Event()
                abort = self._abort
            self._detached.clear()
            self._attached.set()
            log.info("card %s attached to vpcd at %s:%d", card.card_no, self.host, self.port)
            try:
                reason = self._serve(sock, card, abort)
            finally:
                with self._lock:
                    self._sock = self._abort = None
                sock.close()
                card.power_off()
                self._attached.clear()
                self._detached.set()
            log.info("card %s detached from vpcd (%s)", card.card_no, reason)

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout_s)
        except OSError:
            return None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(_POLL_S)
        return sock

    def _serve(self, sock: socket.socket, card: SoftCard, abort: threading.Event) -> str:
        """Answer vpcd until the connection ends; returns why it ended."""
        while True:
            try:
                header = self._recv_exact(sock, 2, card)
                size = int.from_bytes(header, "big") if header else 0
                payload = self._recv_exact(sock, size, card) if size else b""
            except OSError as exc:
                return f"socket error: {exc.strerror or exc}"
            if header is None or payload is None:
                return self._why_ended(card)
            if size == 0:
                continue
            if size == 1:
                self._control(sock, card, payload[0])
                continue
            try:
                answer = card.transmit(payload, cancel=abort)
            except CardVanished:
                with self._lock:
                    if self._card is card:
                        self._card = None
                return "the card vanished during a command (fault)"
            except CommandAborted:
                return self._why_ended(card)
            except Exception:  # a card bug must not hang the reader
                log.exception("the software card failed on a command")
                answer = b"\x6F\x00"
            try:
                self._send(sock, answer)
            except OSError as exc:
                return f"socket error: {exc.strerror or exc}"

    def _control(self, sock: socket.socket, card: SoftCard, ctrl: int) -> None:
        if ctrl == _CTRL_OFF:
            card.power_off()
        elif ctrl == _CTRL_ON:
            card.power_on()
        elif ctrl == _CTRL_RESET:
            card.reset()
        elif ctrl == _CTRL_ATR:
            self._send(sock, card.atr)
        else:
            log.warning("unknown vpcd control byte %d", ctrl)

    def _why_ended(self, card: SoftCard) -> str:
        if self._stop.is_set():
            return "stopped"
        if self._card is not card:
            return "removed"
        return "vpcd closed the connection"

    def _recv_exact(self, sock: socket.socket, n: int, card: SoftCard) -> bytes | None:
        """``n`` bytes, or None when the peer closed or the card must leave."""
        buf = bytearray()
        while len(buf) < n:
            if self._stop.is_set() or self._card is not card:
                return None
            _quickack(sock)
            try:
                chunk = sock.recv(n - len(buf))
            except TimeoutError:
                continue
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    @staticmethod
    def _send(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(len(payload).to_bytes(2, "big") + payload)
