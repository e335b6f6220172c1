"""Builders of hostile and very large files, for tests/test_sources_limits.py and bench/extract_bench.py.

Each returns the bytes of a real file: .docx packages made from python-docx's own template
with a `word/document.xml` that inflates to a given size, and PDFs of Chinese text set in
reportlab's STSong-Light CID font.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from itertools import chain

DOCUMENT = "word/document.xml"
SENTENCE = "（一）建设公共数据平台，推进数据共享，完善审批制度，加强队伍建设。（责任单位：省大数据局、省财政厅）"
MB = 1 << 20
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
TAIL = b"</w:body></w:document>"


def _docx(document: Iterator[bytes]) -> bytes:
    """python-docx's blank document with `word/document.xml` written from `document`, a chunk at a time."""
    from docx import Document

    template = io.BytesIO()
    Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for member in source.infolist():
            if member.filename != DOCUMENT:
                package.writestr(member, source.read(member))
        with package.open(DOCUMENT, "w") as stream:
            for chunk in document:
                stream.write(chunk)
    return out.getvalue()


def _repeated(piece: bytes, megabytes: int) -> Iterator[bytes]:
    chunk = piece * (MB // len(piece))
    return (chunk for _ in range(megabytes))


def inflating_docx(megabytes: int) -> bytes:
    """A .docx whose document.xml inflates to `megabytes`: one paragraph of zeros (a zip bomb)."""
    bomb = _repeated(b"0", megabytes)
    return _docx(chain([HEAD + b"<w:p><w:r><w:t>"], bomb, [b"</w:t></w:r></w:p>" + TAIL]))


def paragraphs_docx(megabytes: int) -> bytes:
    """A .docx holding `megabytes` of valid paragraphs of Chinese text."""
    paragraphs = _repeated(f"<w:p><w:r><w:t>{SENTENCE}</w:t></w:r></w:p>".encode(), megabytes)
    return _docx(chain([HEAD], paragraphs, [TAIL]))


def lying_docx(megabytes: int, claimed: int = 1024) -> bytes:
    """inflating_docx(megabytes) whose zip headers claim document.xml is `claimed` bytes long.

    The CRC is that of the first `claimed` bytes, so a reader that stops at the claimed size
    finds nothing wrong.
    """
    data = bytearray(inflating_docx(megabytes))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package, package.open(DOCUMENT) as stream:
        crc = zlib.crc32(stream.read(claimed))
    name = DOCUMENT.encode()
    # Local file header: CRC at 14, uncompressed size at 22, name at 30; central directory
    # entry: CRC at 16, uncompressed size at 24, name at 46.
    for signature, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30), (b"PK\x01\x02", 16, 24, 46)):
        start = data.index(signature)
        while data[start + name_at:start + name_at + len(name)] != name:
            start = data.index(signature, start + 1)
        struct.pack_into("<I", data, start + crc_at, crc)
        struct.pack_into("<I", data, start + size_at, claimed)
    return bytes(data)


def text_pdf(pages: int, lines: int = 36, chars: int = 34) -> bytes:
    """A PDF of `pages` A4 pages, each `lines` lines of `chars` Chinese characters and a page number."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = SENTENCE * (chars * lines // len(SENTENCE) + 1)
    width, height = A4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.setFont("STSong-Light", 14)
        for k in range(lines):
            canvas.drawString(72, height - 72 - 20 * k, text[k * chars:(k + 1) * chars])
        canvas.drawCentredString(width / 2, 40, f"- {number} -")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
