"""Unbounded inputs (issue 25): a file that would cost more than the per-file limits in
Settings is refused with a message naming the file, the limit and its KB_* setting, before it
costs that much; the other files of the same ingest are stored, and nothing stored is lost.

The hostile files are built here, with low limits, so each test is fast; the fast hash
embedder is enough (what is judged is what gets stored, not retrieval quality)."""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import struct
import zipfile

import docx
import pytest
from click.testing import CliRunner
from conftest import settings_env
from pypdf import PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from ingest.pipeline import ingest
from ingest.uploads import Upload, save_uploads
from kb.cli import main
from kb.store.store import Store

BODY = "关于推进长三角区域合作的通知。各市要加强协作，共同推进一体化发展。"


def _docx(
    body_xml: str | None = None, text: str = BODY, parts: dict | None = None, types: str = ""
) -> bytes:
    """A real Word file (python-docx); with ``body_xml`` its body replaced by that XML,
    ``parts`` added, ``types`` added to its [Content_Types].xml."""
    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml" and body_xml is not None:
                head = data.decode().split("<w:body>")[0]
                data = f"{head}<w:body>{body_xml}</w:body></w:document>".encode()
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            z.writestr(name, data)
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _bomb(mb: int) -> bytes:
    """A .docx a few hundred KB long whose document.xml unpacks to ``mb`` MB (empty
    paragraphs: the costliest XML to parse)."""
    return _docx("<w:p/>" * (mb * 1_000_000 // 6))


def _results(report) -> dict:
    return {os.path.basename(f["source"]): f for f in report["files"]}


def test_word_bomb_is_refused_while_unpacking_and_the_rest_is_stored(hash_settings, monkeypatch):
    s = hash_settings
    bomb = _bomb(60)
    assert len(bomb) < 1_000_000  # 60 MB of XML in a small file
    (s.corpus_dir / "bomb.docx").write_bytes(bomb)
    (s.corpus_dir / "memo.docx").write_bytes(_docx())
    settings_env(monkeypatch, s)
    monkeypatch.setenv("KB_MAX_XML_MB", "5")  # the setting the message names
    r = CliRunner().invoke(main, ["ingest", "--json"])
    report = json.loads(r.stdout)
    files = _results(report)
    assert files["bomb.docx"]["status"] == "failed"
    reason = files["bomb.docx"]["reason"]
    assert "超过 5 MB 的上限（KB_MAX_XML_MB）" in reason and "word/document.xml" in reason
    assert files["memo.docx"]["status"] == "added"  # a real Word file is within the limits
    assert report["documents"] == 6  # the corpus's five and the memo
    assert r.exit_code == 1  # a failed file is reported as a failure
    # the human report names the file and the limit
    human = CliRunner().invoke(main, ["ingest", str(s.corpus_dir / "bomb.docx")])
    assert "bomb.docx" in human.output and "KB_MAX_XML_MB" in human.output


def test_every_part_counts_towards_the_total(hash_settings):
    """Parts each under the limits, together over the total: refused at the part that
    crosses it; a part named like a picture but declared XML counts as XML."""
    s = hash_settings.model_copy(update={"max_inflated_mb": 3, "max_xml_mb": 2})
    pictures = {f"word/media/image{i}.jpeg": os.urandom(1_000_000) for i in range(4)}
    (s.corpus_dir / "pictures.docx").write_bytes(_docx(parts=pictures))
    disguised = _docx(
        parts={"word/media/photo.jpeg": b"<a/>" * 400_000},  # 1.6 MB, and the template's XML
        types='<Override PartName="/word/media/photo.jpeg" ContentType="application/xml"/>',
    )
    (s.corpus_dir / "disguised.docx").write_bytes(disguised)
    report = ingest(None, s)
    reasons = {os.path.basename(f.source): f.reason for f in report.failed}
    assert "超过 3 MB 的上限（KB_MAX_INFLATED_MB）" in reasons["pictures.docx"]
    assert "word/media/image" in reasons["pictures.docx"]
    assert "超过 2 MB 的上限（KB_MAX_XML_MB）" in reasons["disguised.docx"]
    assert "word/media/photo.jpeg" in reasons["disguised.docx"]
    assert report.count("added") == 5


def _understated(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size rewritten as ``size`` in both its headers."""
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(name)
    out = bytearray(data)
    struct.pack_into("<I", out, info.header_offset + 22, size)  # the local header
    at = z.start_dir
    while True:  # the central directory: 46 bytes, then the name
        n = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46 : at + 46 + n] == name.encode():
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at += 46 + n + sum(struct.unpack_from("<HH", out, at + 30))


def test_a_header_that_understates_the_size_is_not_believed(hash_settings):
    s = hash_settings
    lying = _understated(_bomb(40), "word/document.xml", 2000)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("word/document.xml").file_size == 2000
    (s.corpus_dir / "lying.docx").write_bytes(lying)
    report = ingest(None, s)
    (failed,) = report.failed
    assert failed.source.endswith("lying.docx") and "zip 压缩包已损坏" in failed.reason
    assert report.count("added") == 5


def test_word_bomb_upload_is_refused_and_not_saved(hash_settings):
    s = hash_settings.model_copy(update={"max_xml_mb": 5})
    saved = save_uploads([Upload("年度报告.docx", _bomb(30)), Upload("ok.docx", _docx())], s)
    assert saved[0].path is None and "KB_MAX_XML_MB" in saved[0].error
    assert saved[1].path is not None and not saved[1].error
    assert not (s.uploads_dir / "年度报告.docx").exists()


def test_an_upload_listing_too_many_parts_is_refused_before_they_are_listed(
    hash_settings, monkeypatch
):
    """The part count comes from the zip's end record: no table of its parts is built (a
    50 MB file can list half a million of them, hundreds of MB as Python objects)."""
    import ingest.formats

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", b"<w:document/>")
        for i in range(300):
            z.writestr(f"p{i}", b"")
    s = hash_settings.model_copy(update={"max_archive_parts": 100})

    def no_listing(*a, **kw):
        raise AssertionError("the parts were listed before their count was checked")

    monkeypatch.setattr(ingest.formats.zipfile, "ZipFile", no_listing)
    (saved,) = save_uploads([Upload("多部件.docx", buf.getvalue())], s)
    assert saved.path is None and "KB_MAX_ARCHIVE_PARTS" in saved.error


def test_huge_file_is_refused_from_its_size_without_being_read(hash_settings, monkeypatch):
    """A 3 GB sparse file: refused from stat. Any read of it fails this test (it would
    otherwise cost 3 GB of memory before the size was checked)."""
    s = hash_settings
    huge = s.corpus_dir / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(3 * 10**9)
    real_open = builtins.open

    def guarded(file, *args, **kw):
        if isinstance(file, str | os.PathLike) and os.fspath(file) == str(huge):
            raise AssertionError("huge.txt was opened before its size was checked")
        return real_open(file, *args, **kw)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
    report = ingest(None, s)
    monkeypatch.undo()
    (failed,) = report.failed
    assert failed.source.endswith("huge.txt")
    assert failed.reason == "文件大小为 3000.0 MB，超过 50 MB 的上限（KB_MAX_FILE_MB）"
    assert report.count("added") == 5


def _stream(w: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return w._add_object(stream.flate_encode())


def _pdf(kind: str, pages: int = 20, mb: float = 1) -> bytes:
    """A PDF of a few KB whose pages each cost 0.9 × ``mb`` MB once decoded: one drawing
    every page repeats ("shared", parsed once a page), a drawing of its own ("own"), or a
    font whose ToUnicode map is that large ("fonts", decoded while the text is extracted)."""
    w = PdfWriter()
    text = b"BT /F1 12 Tf 72 720 Td (Yangtze River Delta cooperation plan) Tj ET\n"
    drawing = text + b"0 0 m 1 1 l S\n" * (int(mb * 900_000) // 14)
    shared = _stream(w, drawing)
    for _ in range(pages):
        page = w.add_blank_page(612, 792)
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        })  # fmt: skip
        if kind == "fonts":
            cmap = b"%" + b" " * int(mb * 900_000) + b"\n"
            font[NameObject("/ToUnicode")] = _stream(w, cmap)
            page[NameObject("/Contents")] = _stream(w, text)
        else:
            page[NameObject("/Contents")] = shared if kind == "shared" else _stream(w, drawing)
        fonts = DictionaryObject({NameObject("/F1"): w._add_object(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "kind, what", [("shared", "绘制指令合计超过"), ("own", "数据流解码后超过"),
                   ("fonts", "数据流解码后超过")],
)  # fmt: skip
def test_pdf_decompression_is_bounded(hash_settings, kind, what):
    """Small PDFs of 20 pages costing 90 KB each, over a 1 MB limit: refused by page 12,
    whichever way each page costs it."""
    s = hash_settings.model_copy(update={"max_inflated_mb": 1})
    data = _pdf(kind, mb=0.1)
    assert len(data) < 100_000
    (s.corpus_dir / "bomb.pdf").write_bytes(data)
    report = ingest(None, s)
    (failed,) = report.failed
    assert failed.source.endswith("bomb.pdf")
    assert f"{what} 1 MB 的上限（KB_MAX_INFLATED_MB），读到第 12 页时超出" in failed.reason
    assert report.count("added") == 5
    # within the limit the same kind of file is read
    (s.corpus_dir / "bomb.pdf").write_bytes(_pdf(kind, pages=1, mb=0.1))
    assert not ingest(None, s).failed


def test_pdf_text_reading_is_bounded_per_page_and_in_time(hash_settings):
    """One page drawing more than a tenth of the budget is refused before its text is
    extracted; pages sharing one drawing stop at the time limit, whatever the byte budget."""
    s = hash_settings.model_copy(update={"max_inflated_mb": 10})
    (s.corpus_dir / "heavy.pdf").write_bytes(_pdf("own", pages=1, mb=2))
    (failed,) = ingest(None, s).failed
    assert "第 1 页的绘制指令有 1.8 MB，超过每页 1 MB 的上限" in failed.reason
    (s.corpus_dir / "heavy.pdf").unlink()
    s = s.model_copy(update={"max_inflated_mb": 1000, "max_read_seconds": 0.01})
    (s.corpus_dir / "slow.pdf").write_bytes(_pdf("shared", pages=20))
    (failed,) = ingest(None, s).failed
    assert failed.source.endswith("slow.pdf")
    assert "超过 0.01 秒的上限（KB_MAX_READ_SECONDS），读到第" in failed.reason


def test_pdf_page_image_too_large_for_ocr_is_refused_before_decoding(hash_settings):
    """A scanned page whose image declares 20000 × 20000 pixels (400 MB once decoded, from a
    few hundred KB): refused from its declared size, before pdfium decodes it."""
    s = hash_settings
    w = PdfWriter()
    img = StreamObject()
    side = 20_000
    img._data = zlib_zeros(side * side)
    img.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(side), NameObject("/Height"): NumberObject(side),
        NameObject("/ColorSpace"): NameObject("/DeviceGray"),
        NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): NameObject("/FlateDecode"),
    })  # fmt: skip
    content = DecodedStreamObject()
    content.set_data(b"q 612 0 0 792 0 0 cm /Im0 Do Q\n")
    page = w.add_blank_page(612, 792)
    page[NameObject("/Contents")] = w._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): w._add_object(img)})}
    )
    buf = io.BytesIO()
    w.write(buf)
    (s.corpus_dir / "scan.pdf").write_bytes(buf.getvalue())
    report = ingest(None, s)
    (failed,) = report.failed
    assert failed.source.endswith("scan.pdf")
    assert "20000 × 20000 像素" in failed.reason and "KB_OCR_MAX_MEGAPIXELS" in failed.reason


def zlib_zeros(n: int) -> bytes:
    import zlib

    c = zlib.compressobj(9)
    block = b"\0" * 1_000_000
    return b"".join(c.compress(block) for _ in range(n // len(block))) + c.flush()


def test_html_with_too_many_tags_is_refused(hash_settings):
    """Each tag costs ~0.5 KB to parse: a page of empty tags is refused before parsing,
    also as HTML inside a .txt; a normal page goes in."""
    s = hash_settings.model_copy(update={"max_html_tags": 1000})
    (s.corpus_dir / "tags.html").write_text("<html><body>" + "<b></b>" * 5000, encoding="utf-8")
    (s.corpus_dir / "clip.txt").write_text("<div>" + "<i></i>" * 5000 + "</div>", encoding="utf-8")
    page = f"<html><body><p>{BODY}</p></body></html>"
    (s.corpus_dir / "page.html").write_text(page, encoding="utf-8")
    report = ingest(None, s)
    reasons = {os.path.basename(f.source): f.reason for f in report.failed}
    assert set(reasons) == {"tags.html", "clip.txt"}
    assert all("超过 1000 个标签的上限（KB_MAX_HTML_TAGS）" in r for r in reasons.values())
    assert report.count("added") == 6


def test_refused_change_keeps_the_stored_version(hash_settings):
    """A stored document replaced by a file over a limit: refused, and what was stored (the
    earlier version) is still there."""
    s = hash_settings.model_copy(update={"max_xml_mb": 5})
    memo = s.corpus_dir / "memo.docx"
    memo.write_bytes(_docx(text="长三角生态绿色一体化发展示范区建设方案已经印发。"))
    assert not ingest(None, s).failed
    memo.write_bytes(_bomb(30))
    report = ingest(None, s)
    (failed,) = report.failed
    assert failed.source.endswith("memo.docx") and "KB_MAX_XML_MB" in failed.reason
    docs = Store(s).catalog.documents()
    assert len(docs) == 6 and any("示范区建设方案" in d.text for d in docs)


def test_text_too_long_to_index_is_refused(hash_settings):
    """Indexing takes ~300 bytes of memory a character: a file yielding more text than
    KB_MAX_TEXT_CHARS is refused (a text file, and a PDF page by page)."""
    s = hash_settings.model_copy(update={"max_text_chars": 20_000})  # the corpus's are 15k
    (s.corpus_dir / "long.txt").write_text((BODY + "\n\n") * 700, encoding="utf-8")  # 25k
    (s.corpus_dir / "long.pdf").write_bytes(_pdf("own", pages=600, mb=0))  # 37 a page
    report = ingest(None, s)
    reasons = {os.path.basename(f.source): f.reason for f in report.failed}
    assert reasons["long.txt"] == "文本超过 20,000 个字符的上限（KB_MAX_TEXT_CHARS）"
    m = re.search(
        r"20,000 个字符的上限（KB_MAX_TEXT_CHARS）（读到第 (\d+) 页时）$", reasons["long.pdf"]
    )
    assert m and 500 < int(m[1]) < 600  # refused as soon as the pages read pass it
    assert report.count("added") == 5
