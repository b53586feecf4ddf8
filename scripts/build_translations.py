#!/usr/bin/env python3
"""Builds the kiosk's translation files from the ``#: en:`` comments in ``ui/``.

The source text of every user-visible string is Simplified Chinese; its
English stands in a translator comment on the line above the call (see the
docstring of ``ui/messages.py``)::

    #: en: Please insert your social security card
    self.title.setText(self.tr("请插入社会保障卡"))

Usage (from the repository root, with the venv's Python)::

    .venv/bin/python scripts/build_translations.py                    # update the .ts files
    .venv/bin/python scripts/build_translations.py --release          # build locales/*.qm from the .ts files
    .venv/bin/python scripts/build_translations.py --update --release # both
    .venv/bin/python scripts/build_translations.py --check            # exit 1 listing what is missing

``--update`` (the default when no mode is given)
    runs ``pyside6-lupdate`` over every ``ui/**/*.py`` into
    ``locales/kiosk_en.ts`` and ``locales/kiosk_zh_CN.ts`` (strings that left
    the code are dropped: ``-no-obsolete``), then

    * ``kiosk_en.ts``: every ``<translation>`` is (re)written from the
      message's ``<extracomment>en: ...</extracomment>`` and marked finished;
      the comment is the one source of the English, so editing it and running
      the script again changes the translation (and a message whose comment
      is missing, or lupdate joined two of, is left unfinished and empty);
    * ``kiosk_zh_CN.ts``: the Chinese sources need no translation (Qt shows
      the source where a translation is empty); only messages with ``%n``
      get their one Chinese numerus form, the source itself, marked finished.

    A file whose content does not change is not touched (its mtime stays).
``--release``
    runs ``pyside6-lrelease`` on each ``.ts`` into the ``.qm`` beside it, only
    where the ``.qm`` is missing or older than its ``.ts`` (so an install can
    call it every time at no cost). It does not run lupdate: the ``.ts``
    files are committed, the ``.qm`` files are not.
``--check``
    writes nothing: runs the same update on temporary copies and exits 1,
    listing every message that has no ``en:`` comment, is missing from or
    unfinished or outdated in the committed ``.ts`` files, or is in them but
    no longer in the code (vanished). ``tests/ui/test_translations.py`` runs it.

Plural forms (``%n``, ``translate(ctx, text, None, n)`` / ``self.tr(text, None, n)``)
    English has two numerus forms, singular (n == 1) and plural. Either the
    comment gives both, separated by `` | ``::

        #: en: Wrong PIN. You have %n try left. | Wrong PIN. You have %n tries left.

    or it gives the plural only and the singular is derived by a simple
    rule: the first word after each ``%n `` is made singular (``tries`` ->
    ``try``, ``boxes`` -> ``box``, ``seconds`` -> ``second``; ``people``,
    ``children`` by a table; words ending in ``ss``, ``us``, ``is`` and words
    not ending in ``s`` stay as they are, so ``%n of 6 digits typed`` is left
    alone). Use the ``|`` form whenever the rule would be wrong.

Options ``--sources DIR`` and ``--locales DIR`` (defaults ``ui/`` and
``locales/``) let the tests run the script on a copy.

Adding a language: add its code to ``TS_LANGUAGES`` below (and to
``ui/i18n.py``'s ``LANGUAGES``), run the script, and give the new
``locales/kiosk_<code>.ts`` to a translator (Qt Linguist); ``--check`` then
needs extending to that file's finished translations.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_LANGUAGE = "zh_CN"
TS_LANGUAGES = ("zh_CN", "en")
BASENAME = "kiosk"
EN_PREFIX = "en:"
TOOL_TIMEOUT_S = 60


def ts_path(locales: Path, language: str) -> Path:
    return locales / f"{BASENAME}_{language}.ts"


def qm_path(locales: Path, language: str) -> Path:
    return locales / f"{BASENAME}_{language}.qm"


def tool(name: str) -> str:
    """``lupdate`` / ``lrelease``: the binary inside the PySide6 package (the ``pyside6-*``
    wrappers start a Python first, ten times slower), else the venv's wrapper, else PATH."""
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin:
        exe = Path(spec.origin).parent / name
        if exe.is_file() and os.access(exe, os.X_OK):
            return str(exe)
    wrapper = f"pyside6-{name}"
    for d in (Path(sys.executable).parent, REPO / ".venv" / "bin"):
        p = d / wrapper
        if p.exists():
            return str(p)
    found = shutil.which(wrapper)
    if found:
        return found
    raise SystemExit(f"build_translations: {wrapper} not found (install the project: scripts/install.sh)")


def sources(src_dir: Path) -> list[str]:
    return sorted(str(p) for p in src_dir.rglob("*.py") if "__pycache__" not in p.parts)


# --- English from the comments -------------------------------------------------

_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}


def singular_word(word: str) -> str:
    low = word.lower()
    if low in _IRREGULAR:
        s = _IRREGULAR[low]
        return s.capitalize() if word[:1].isupper() else s
    if not low.endswith("s") or low.endswith(("ss", "us", "is")) or len(low) < 3:
        return word
    if low.endswith("ies") and len(low) > 3:
        return word[:-3] + ("Y" if word[-3].isupper() else "y")
    if low.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    return word[:-1]


def singular(plural: str) -> str:
    """The singular of an English plural sentence: the word after each ``%n `` made singular."""
    return re.sub(r"(%n\s+)([A-Za-z]+)", lambda m: m.group(1) + singular_word(m.group(2)), plural)


def english_of(comment: str | None) -> str | None:
    """The English of an ``<extracomment>``, or None if it has none (or more than one)."""
    if comment is None:
        return None
    text = comment.strip()
    if not text.startswith(EN_PREFIX) or "\n" in text or text.count(EN_PREFIX + " ") > 1:
        return None
    english = text[len(EN_PREFIX):].strip()
    return english or None


def numerus_forms(english: str) -> list[str]:
    """``[singular, plural]`` of an English ``%n`` message (see the module docstring)."""
    if " | " in english:
        one, _, many = english.partition(" | ")
        return [one.strip(), many.strip()]
    return [singular(english), english]


# --- .ts files -----------------------------------------------------------------

@dataclass
class Entry:
    context: str
    source: str
    comment: str           # disambiguation (self.tr's second argument)
    numerus: bool
    extracomment: str | None
    kind: str              # "" (finished), "unfinished", "vanished", "obsolete"
    forms: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.comment)

    def label(self) -> str:
        return f"[{self.context}] {self.source!r}"


def read_entries(path: Path) -> list[Entry]:
    root = ET.parse(path).getroot()
    out = []
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            kind = tr.get("type", "") if tr is not None else "unfinished"
            if tr is None:
                forms: tuple[str, ...] = ()
            elif msg.get("numerus") == "yes":
                forms = tuple(nf.text or "" for nf in tr.iter("numerusform"))
            else:
                forms = (tr.text or "",)
            out.append(Entry(name, msg.findtext("source") or "", msg.findtext("comment") or "",
                             msg.get("numerus") == "yes", msg.findtext("extracomment"), kind, forms))
    return out


def fill(path: Path, language: str) -> list[str]:
    """Fill the translations of one .ts file in place; returns the labels of messages without English."""
    tree = ET.parse(path)
    no_english = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            # A message with %n is a plural one, whichever lupdate read it: pyside6-lupdate
            # before 6.12 does not mark translate(ctx, text, None, n) as numerus.
            numerus = msg.get("numerus") == "yes" or "%n" in source
            if numerus:
                msg.set("numerus", "yes")
            if language == "en":
                english = english_of(msg.findtext("extracomment"))
                if english is None:      # the comment is the one source: no stale English stays
                    no_english.append(f"[{name}] {source!r}")
                    _set_forms(tr, [""] * len(tr.findall("numerusform")) if numerus else [""], numerus)
                    tr.set("type", "unfinished")
                    continue
                forms = numerus_forms(english) if numerus else [english]
            elif language == SOURCE_LANGUAGE:
                if not numerus:
                    continue          # Qt shows the source itself
                forms = [source] * max(1, len(tr.findall("numerusform")))
            else:
                continue              # a human translator's language: leave it to them
            _set_forms(tr, forms, numerus)
    ET.indent(tree, space="    ")
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return no_english


def _set_forms(tr: ET.Element, forms: list[str], numerus: bool) -> None:
    for child in list(tr):
        tr.remove(child)
    tr.attrib.pop("type", None)
    if numerus:
        tr.text = None
        for f in forms:
            ET.SubElement(tr, "numerusform").text = f
    else:
        tr.text = forms[0]


def lupdate(files: list[str], ts: Path, language: str) -> None:
    _run([tool("lupdate"), "-silent", "-no-obsolete", "-locations", "absolute",
          "-source-language", SOURCE_LANGUAGE, "-target-language", language, *files, "-ts", str(ts)])


def _run(cmd: list[str]) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S)
    if r.returncode != 0:
        raise SystemExit(f"build_translations: {Path(cmd[0]).name} failed ({r.returncode}):\n"
                         f"{(r.stderr or r.stdout).strip()}")


def update_one(files: list[str], target: Path, language: str) -> tuple[bool, list[str]]:
    """lupdate + fill + lupdate again (lupdate's own layout) + fill into ``target``;
    (changed, no English)."""
    before = target.read_bytes() if target.exists() else None
    # a sibling file: lupdate writes source paths relative to the .ts file
    work = target.with_name(f".{target.stem}.build{os.getpid()}.ts")
    try:
        if before is not None:
            work.write_bytes(before)
        lupdate(files, work, language)
        fill(work, language)
        lupdate(files, work, language)
        # once more: lupdate before 6.12 drops the numerus mark fill() gave %n messages
        no_english = fill(work, language)
        after = work.read_bytes()
        if after == before:
            return False, no_english
        os.replace(work, target)
        return True, no_english
    finally:
        work.unlink(missing_ok=True)


def update(src_dir: Path, locales: Path, *, quiet: bool = False) -> list[str]:
    locales.mkdir(parents=True, exist_ok=True)
    files = sources(src_dir)
    if not files:
        raise SystemExit(f"build_translations: no .py files under {src_dir}")
    no_english: list[str] = []
    for lang in TS_LANGUAGES:
        changed, missing = update_one(files, ts_path(locales, lang), lang)
        if lang == "en":
            no_english = missing
        if not quiet:
            print(f"{ts_path(locales, lang)}: {'updated' if changed else 'unchanged'}")
    return no_english


def release(locales: Path, *, quiet: bool = False) -> list[Path]:
    built = []
    for lang in TS_LANGUAGES:
        ts, qm = ts_path(locales, lang), qm_path(locales, lang)
        if not ts.exists():
            raise SystemExit(f"build_translations: {ts} is missing (run scripts/build_translations.py)")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        release_file(ts, qm)
        built.append(qm)
        if not quiet:
            print(f"{qm}: built")
    return built


def release_file(ts: Path, qm: Path) -> None:
    """``pyside6-lrelease ts -qm qm`` (also used by ``ui/i18n.py`` for a checkout without .qm files)."""
    _run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)])


# --- check ---------------------------------------------------------------------

def check(src_dir: Path, locales: Path) -> list[str]:
    """Every problem of the committed .ts files against the code, one line each (empty: all good)."""
    problems: list[str] = []
    no_english: list[str] = []
    files = sources(src_dir)
    with tempfile.TemporaryDirectory(prefix="kiosk-ts-") as tmp:
        for lang in TS_LANGUAGES:
            committed_path = ts_path(locales, lang)
            fresh_path = Path(tmp) / committed_path.name
            if committed_path.exists():
                shutil.copyfile(committed_path, fresh_path)
            _, missing_en = update_one(files, fresh_path, lang)
            if lang == "en":
                no_english = [f"no English (#: en: comment): {m}" for m in missing_en]
            fresh = {e.key: e for e in read_entries(fresh_path)}
            committed = {e.key: e for e in read_entries(committed_path)} if committed_path.exists() else {}
            name = committed_path.name
            for key, e in fresh.items():
                old = committed.get(key)
                if old is None:
                    problems.append(f"{name}: missing: {e.label()}")
                elif _needs_translation(lang, e) and (old.kind or not all(old.forms)):
                    problems.append(f"{name}: unfinished: {e.label()}")
                elif _needs_translation(lang, e) and old.forms != e.forms:
                    problems.append(f"{name}: outdated (English changed): {e.label()}")
            for key, e in committed.items():
                if key not in fresh or e.kind in ("vanished", "obsolete"):
                    problems.append(f"{name}: vanished (no longer in the code): {e.label()}")
    return no_english + problems


def _needs_translation(language: str, e: Entry) -> bool:
    if language == "en":
        return english_of(e.extracomment) is not None   # those without are reported once above
    return e.numerus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true", help="update the .ts files (the default)")
    ap.add_argument("--release", action="store_true", help="build the .qm files from the .ts files")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 listing problems")
    ap.add_argument("--sources", type=Path, default=REPO / "ui")
    ap.add_argument("--locales", type=Path, default=REPO / "locales")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    if args.check:
        problems = check(args.sources, args.locales)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} translation problem(s); add the missing '#: en:' comments, "
                  "then run: .venv/bin/python scripts/build_translations.py", file=sys.stderr)
            return 1
        if not args.quiet:
            print("translations: complete")
        return 0

    status = 0
    if args.update or not args.release:
        no_english = update(args.sources, args.locales, quiet=args.quiet)
        for m in no_english:
            print(f"no English (#: en: comment): {m}", file=sys.stderr)
        status = 1 if no_english else 0
    if args.release:
        release(args.locales, quiet=args.quiet)
    return status


if __name__ == "__main__":
    sys.exit(main())
