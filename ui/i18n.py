"""The kiosk's languages: loading a translation, switching it live, and locale-aware formatting.

The source text of the UI is Simplified Chinese (``zh_CN``); English (``en``)
comes from ``locales/kiosk_en.qm``, built from the committed
``locales/kiosk_en.ts`` by ``scripts/build_translations.py --release`` (the
install does that). In a checkout without ``.qm`` files (or with ``.qm``
files older than their ``.ts``), :func:`install` builds them with
``pyside6-lrelease`` into a cache directory first.

Switching is live: :func:`install` replaces the application's translator, Qt
sends ``QEvent.LanguageChange`` to every widget, and each screen writes its
texts again in ``retranslate()``. It also sets the default :class:`QLocale`
(numbers, dates) and the application's layout direction from the locale, so a
right-to-left language would mirror the layout by itself.

Usage::

    from ui import i18n
    i18n.install(app, "en")         # or i18n.install(None, "en"): the running application
    i18n.current_language()         # "en"
    i18n.format_date(date(2026, 11, 22))   # "22 November 2026"; zh_CN: "2026年11月22日"
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLibraryInfo, QLocale, QObject, QTime, \
    QTranslator, Signal

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
BASENAME = "kiosk"


@dataclass(frozen=True)
class LanguageInfo:
    """What the kiosk needs to know about one language."""

    code: str
    locale: QLocale
    date_format: str            # QDate::toString pattern
    time_format: str            # QTime::toString pattern
    native_name: str            # the language's own name, for a language button


# Formats are patterns, not sentences: the kiosk shows full dates an elderly
# citizen reads at a glance (no "22/11/26"). English follows British usage
# (day month year, 24-hour clock), as espeak-ng's "en" voice does.
INFO: dict[str, LanguageInfo] = {
    "zh_CN": LanguageInfo("zh_CN", QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript,
                                           QLocale.Country.China),
                          "yyyy年M月d日", "HH:mm", "中文"),
    "en": LanguageInfo("en", QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
                       "d MMMM yyyy", "HH:mm", "English"),
}


def qm_name(language: str) -> str:
    return f"{BASENAME}_{language}.qm"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ssc-kiosk" / "locales"


def _lrelease() -> str | None:
    import PySide6

    exe = Path(PySide6.__file__).parent / "lrelease"     # the binary the pyside6-lrelease wrapper runs
    if exe.is_file() and os.access(exe, os.X_OK):
        return str(exe)
    for d in (Path(sys.executable).parent, LOCALES_DIR.parent / ".venv" / "bin"):
        if (d / "pyside6-lrelease").exists():
            return str(d / "pyside6-lrelease")
    return shutil.which("pyside6-lrelease")


def qm_file(language: str, locales_dir: Path = LOCALES_DIR) -> Path | None:
    """The ``.qm`` of ``language``: ``locales/`` if current, else built into the cache; None if impossible."""
    qm = locales_dir / qm_name(language)
    ts = locales_dir / f"{BASENAME}_{language}.ts"
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return qm if qm.exists() else None
    lrelease = _lrelease()
    if lrelease is None:
        log.warning("pyside6-lrelease not found; %s cannot be built", qm.name)
        return qm if qm.exists() else None
    for cache in (_cache_dir(), Path(tempfile.gettempdir()) / f"ssc-kiosk-locales-{os.getuid()}"):
        cached = cache / qm_name(language)
        try:
            if cached.exists() and cached.stat().st_mtime >= ts.stat().st_mtime:
                return cached
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run([lrelease, "-silent", str(ts), "-qm", str(cached)],
                           check=True, capture_output=True, timeout=60)
            return cached
        except (OSError, subprocess.SubprocessError) as exc:
            log.debug("cannot build %s in %s: %s", qm.name, cache, exc)
    return qm if qm.exists() else None


class Translations(QObject):
    """The translators installed in one application; :func:`install` uses one per process."""

    languageChanged = Signal(str)

    def __init__(self, parent: QObject | None = None, *, locales_dir: Path = LOCALES_DIR):
        super().__init__(parent)
        self.locales_dir = locales_dir
        self._language = DEFAULT_LANGUAGE
        self._installed: list[QTranslator] = []
        self._app: QCoreApplication | None = None

    @property
    def language(self) -> str:
        return self._language

    def install(self, app: QCoreApplication | None, language: str) -> bool:
        """Switch ``app`` (None: the running application) to ``language``.

        Returns False if the kiosk's translation could not be loaded (the
        texts then stay Chinese); the locale and direction are set anyway.
        Raises ValueError for a language not in :data:`LANGUAGES`.
        """
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
        app = app or QCoreApplication.instance()
        if app is None:
            raise RuntimeError("no QCoreApplication: create the application first")
        info = INFO[language]
        new: list[QTranslator] = []
        ok = True
        qm = qm_file(language, self.locales_dir)
        kiosk = QTranslator(app)
        if qm is not None and kiosk.load(str(qm)):
            new.append(kiosk)
        else:
            ok = False
            log.warning("no translation loaded for %s (%s)", language, qm or "no .qm file")
        qt = QTranslator(app)          # Qt's own texts (standard context menus and the like)
        if qt.load(info.locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            new.append(qt)
        # new ones first, then the old ones out: the newest translator is asked first,
        # so at no moment does a widget see a mix of languages
        for t in new:
            app.installTranslator(t)
        for t in self._installed:
            app.removeTranslator(t)
            t.deleteLater()
        self._installed = new
        self._app = app
        QLocale.setDefault(info.locale)
        if hasattr(app, "setLayoutDirection"):
            app.setLayoutDirection(info.locale.textDirection())
        changed = language != self._language
        self._language = language
        if changed:
            self.languageChanged.emit(language)
        return ok

    def uninstall(self) -> None:
        """Remove the kiosk's translators (back to the Chinese sources)."""
        app = self._app or QCoreApplication.instance()
        for t in self._installed:
            if app is not None:
                app.removeTranslator(t)
            t.deleteLater()
        self._installed = []
        QLocale.setDefault(INFO[DEFAULT_LANGUAGE].locale)
        if app is not None and hasattr(app, "setLayoutDirection"):
            app.setLayoutDirection(INFO[DEFAULT_LANGUAGE].locale.textDirection())
        if self._language != DEFAULT_LANGUAGE:
            self._language = DEFAULT_LANGUAGE
            self.languageChanged.emit(DEFAULT_LANGUAGE)


_translations: Translations | None = None


def translations() -> Translations:
    """The process's :class:`Translations` (connect to its ``languageChanged`` for non-widget code)."""
    global _translations
    if _translations is None:
        _translations = Translations()
    return _translations


def install(app: QCoreApplication | None, language: str) -> bool:
    """Switch the application to ``language`` (see :meth:`Translations.install`)."""
    return translations().install(app, language)


def current_language() -> str:
    return translations().language


def locale(language: str | None = None) -> QLocale:
    """The QLocale of ``language`` (default: the current one)."""
    return INFO[language or current_language()].locale


# --- formatting ----------------------------------------------------------------

def _qdate(d: _dt.date | QDate) -> QDate:
    if isinstance(d, QDate):
        return d
    return QDate(d.year, d.month, d.day)


def format_date(d: _dt.date | QDate, language: str | None = None) -> str:
    """A full date: ``2026年11月22日`` / ``22 November 2026``."""
    info = INFO[language or current_language()]
    return info.locale.toString(_qdate(d), info.date_format)


def format_time(t: _dt.time | QTime, language: str | None = None) -> str:
    info = INFO[language or current_language()]
    qt = t if isinstance(t, QTime) else QTime(t.hour, t.minute, t.second)
    return info.locale.toString(qt, info.time_format)


def format_datetime(dt: _dt.datetime | QDateTime, language: str | None = None) -> str:
    """Date and time: ``2026年11月22日 14:05`` / ``22 November 2026, 14:05`` (the value's own clock)."""
    if isinstance(dt, QDateTime):
        d, t = dt.date(), dt.time()
    else:
        d, t = _qdate(dt.date()), QTime(dt.hour, dt.minute, dt.second)
    lang = language or current_language()
    sep = " " if lang == "zh_CN" else ", "
    return format_date(d, lang) + sep + format_time(t, lang)


def format_number(n: int | float, decimals: int | None = None, language: str | None = None) -> str:
    """A number with the locale's grouping: ``12,345`` / ``1,234.50`` (``decimals`` for floats)."""
    loc = locale(language)
    if decimals is not None:
        return loc.toString(float(n), "f", decimals)
    if isinstance(n, int):
        return loc.toString(n)
    return loc.toString(float(n), "g", 15)
