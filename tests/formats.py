"""One notice written in the formats offices send (issue #19), built in the test: .docx, .ofd
(written by `ofd_of`), an image-only PDF at 200 dpi (`scanned_pdf_of`, a CJK font drawn by
Pillow), an image, and a Word 97 .doc made by LibreOffice from the .docx (`doc_of`)."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NOTICE = """浙江省人民政府办公厅关于进一步促进外贸稳增长的通知
浙政办发〔2026〕9号
各市、县（市、区）人民政府，省政府直属各单位：
为稳定外贸增长，经省政府同意，现就有关事项通知如下：
一、稳定外贸主体。支持企业开拓国际市场。（责任单位：省商务厅、省市场监管局）
二、加大金融支持。扩大出口信用保险覆盖面，2026年6月底前完成。（省财政厅牵头，省地方金融监管局配合）
三、优化通关服务。（杭州海关负责）
四、强化人才保障。（省人力社保厅、省教育厅负责）
浙江省人民政府办公厅
2026年3月1日
"""
# What every format of NOTICE imports into: (lead, support, deadline) by task.
EXPECTED = [(["省商务厅"], ["省市场监管局"], None),
            (["省财政厅"], ["省地方金融监管局"], "2026-06-30"),
            (["杭州海关"], [], None),
            (["省人力社保厅", "省教育厅"], [], None)]
# A Chinese font of the machine (./scripts/test installs fonts-wqy-microhei when there is none).
FONT = min(subprocess.run(["fc-list", ":lang=zh", "-f", "%{file}\n"], capture_output=True, text=True).stdout.splitlines(),
           default="")
PER_LINE = 30  # characters of a printed line


def printed_lines(text: str) -> list[str]:
    """The text as printed: each paragraph wrapped at PER_LINE characters."""
    out = []
    for paragraph in text.strip("\n").split("\n"):
        out.extend(paragraph[k:k + PER_LINE] for k in range(0, max(len(paragraph), 1), PER_LINE))
    return out


def docx_of(text: str) -> bytes:
    from docx import Document

    doc = Document()
    for paragraph in text.strip("\n").split("\n"):
        doc.add_paragraph(paragraph)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def ofd_of(text: str, lines_per_page: int = 20, shuffle: bool = True, letterhead: str | None = None) -> bytes:
    """An OFD of `text` printed PER_LINE characters a line. Each line is two text objects
    (its halves) and the objects of a page are written in a shuffled order, so that only
    their positions give the reading order, as in files of real producers. A `letterhead`
    is a template page every page shows, printed above the text."""
    lines = printed_lines(text)
    pages = [lines[k:k + lines_per_page] for k in range(0, len(lines), lines_per_page)] or [[]]
    size, shuffler = 5.0, random.Random(19)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" '
            'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>'
            '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'))
        template = ('<ofd:TemplatePage ID="5" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if letterhead else "")
        if letterhead:
            package.writestr("Doc_0/Tpls/Tpl_0/Content.xml", (
                '<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>'
                f'<ofd:Layer ID="6"><ofd:TextObject ID="7" Boundary="20 8 170 10" Font="2" Size="{size:g}">'
                f'<ofd:TextCode X="0" Y="{size:g}">{escape(letterhead)}</ofd:TextCode></ofd:TextObject></ofd:Layer>'
                '</ofd:Content></ofd:Page>'))
        page_refs = "".join(f'<ofd:Page ID="{k + 10}" BaseLoc="Pages/Page_{k}/Content.xml"/>' for k in range(len(pages)))
        package.writestr("Doc_0/Document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">'
            '<ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
            f'</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{template}</ofd:CommonData>'
            f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>'))
        package.writestr("Doc_0/PublicRes.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res">'
            '<ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'))
        for k, page in enumerate(pages):
            objects = []
            for row, line in enumerate(page):
                top = 25 + row * size * 1.8
                half = len(line) // 2
                for start, piece in ((0, line[:half]), (half, line[half:])):
                    if not piece:
                        continue
                    left = 20 + start * size
                    deltas = " ".join([f"{size:g}"] * (len(piece) - 1))
                    objects.append(
                        f'<ofd:TextObject ID="{1000 + len(objects)}" Boundary="{left:g} {top:g} {len(piece) * size:g} '
                        f'{size * 1.4:g}" Font="2" Size="{size:g}"><ofd:FillColor Value="0 0 0"/>'
                        f'<ofd:TextCode X="0" Y="{size:g}" DeltaX="{deltas}">{escape(piece)}</ofd:TextCode>'
                        '</ofd:TextObject>')
            if shuffle:
                shuffler.shuffle(objects)
            package.writestr(f"Doc_0/Pages/Page_{k}/Content.xml", (
                '<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
                + ('<ofd:Template TemplateID="5" ZOrder="Background"/>' if letterhead else "")
                + f'<ofd:Content><ofd:Layer ID="{k + 100}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'))
    return out.getvalue()


def page_images(text: str, dpi: int = 200, lines_per_page: int = 30) -> list:
    """A4 pages of `text` as Pillow images at `dpi`, 10.5 pt characters (五号字, a notice's size)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    width, height = int(595 * scale), int(842 * scale)
    font = ImageFont.truetype(FONT, int(10.5 * scale * 1.4))
    lines = printed_lines(text)
    images = []
    for k in range(0, max(len(lines), 1), lines_per_page):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines[k:k + lines_per_page]):
            draw.text((int(72 * scale), int((72 + row * 24) * scale)), line, font=font, fill=0)
        images.append(image)
    return images


def scanned_pdf_of(text: str, dpi: int = 200) -> bytes:
    """An image-only PDF of `text`, as a scanner makes: no text layer at all."""
    images = page_images(text, dpi)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def png_of(text: str) -> bytes:
    out = io.BytesIO()
    page_images(text)[0].save(out, "PNG")
    return out.getvalue()


def doc_of(text: str, folder: Path) -> bytes:
    """A Word 97 .doc of `text`, made by LibreOffice from its .docx."""
    source = folder / "notice.docx"
    source.write_bytes(docx_of(text))
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless", "--convert-to", "doc", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)
    return (folder / "notice.doc").read_bytes()
