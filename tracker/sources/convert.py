"""Word 97 (.doc) and WPS (.wps) files converted to .docx, WPS spreadsheets (.et) to .xlsx,
by LibreOffice, then read as such.

LibreOffice runs headless (`soffice --headless --convert-to docx`) in a temporary folder of
its own, with a profile folder of its own (two conversions at once would otherwise fight
over the user's profile and the second would silently do nothing), in a session of its
own so that a timeout kills it and every process it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tracker.sources.limits import Limits, SourceError

TARGETS = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}  # what each is converted to
SUFFIXES = tuple(TARGETS)
PACKAGE = "libreoffice-writer-nogui"
# What a Word 97 or WPS file starts with: an OLE2 compound file; offices also send RTF and
# .docx (or .xlsx) files under these names. LibreOffice would read anything else as plain text.
SIGNATURES = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"PK\x03\x04")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def converted(name: str, data: bytes, limits: Limits) -> tuple[str, bytes]:
    """The name (`name` + .docx or .xlsx) and content of the file LibreOffice makes of a .doc,
    .wps or .et file; SourceError if it cannot."""
    suffix = Path(name).suffix.lower()
    target = TARGETS[suffix]
    if not data.startswith(SIGNATURES):
        raise SourceError(f"无法读取 {suffix} 文件：{name}（文件已损坏或不是 Word/WPS 文件）")
    program = soffice()
    if program is None:
        raise SourceError(f"无法读取 {suffix} 文件：{name}（服务器未安装 LibreOffice，请安装 Debian 软件包 {PACKAGE}）")
    with tempfile.TemporaryDirectory(prefix="tracker-convert-") as folder:
        work = Path(folder)
        source = work / f"source{suffix}"  # never the uploaded name: it reaches a command line
        source.write_bytes(data)
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--convert-to", target,
                   "--outdir", str(work / "out"), str(source)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, "HOME": folder})
        try:
            process.wait(limits.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise SourceError(f"文件过大或过于复杂：{name} 转换超过 {limits.timeout} 秒"
                              "（TRACKER_EXTRACT_TIMEOUT）") from None
        made = work / "out" / f"source.{target}"
        if process.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            raise SourceError(f"无法读取 {suffix} 文件：{name}（文件已损坏或不是 Word/WPS 文件）")
        return f"{name}.{target}", made.read_bytes()
