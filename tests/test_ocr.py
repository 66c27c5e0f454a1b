"""OCR on scans made here: Chinese text rendered with a CJK font at 150 dpi into a PNG, a
multi-page TIFF, an image-only PDF and a mixed PDF, read by the real engine; hostile images
refused with a reason and nothing stored."""

from __future__ import annotations

import difflib
import struct
import zlib

import pytest
from embedders import HASH

from ingest.errors import ReadError
from ingest.gongwen.parse import parse
from ingest.ocr.engine import OcrOptions
from ingest.pipeline import ingest
from ingest.read.file import read_file
from kb.core.text import norm
from kb.store.store import Store
from tests.conftest import make_settings
from tests.pdfs import chinese_pdf
from tests.scans import FONT, save_png, save_scanned_pdf, save_tiff

LIMITS = dict(max_bytes=10**8, max_pages=50)

NOTICE = [
    ("center", "青溪市人民政府办公室文件"),
    ("gap", ""),
    ("center", "青府办发〔2025〕12号"),
    ("gap", ""),
    ("center", "青溪市人民政府办公室关于印发"),
    ("center", "青溪市智能制造发展扶持办法的通知"),
    ("gap", ""),
    ("left", "各县（市、区）人民政府，市政府各部门："),
    (
        "para",
        "经市政府同意，现将《青溪市智能制造发展扶持办法》印发给你们，请结合实际认真贯彻落实。"
        "对首次认定的智能工厂，给予一次性奖励150万元。",
    ),
    ("gap", ""),
    ("right", "青溪市人民政府办公室"),
    ("right", "2025年9月3日"),
]
MEASURES = [
    ("para", "第六条 对购置工业机器人的企业，按设备投资额的12%给予补助，单个企业最高400万元。"),
    ("para", "第九条 本办法自2025年10月1日起施行，有效期至2027年9月30日。"),
]


def _source_text(blocks) -> str:
    return "".join(t for how, t in blocks if how != "gap")


def _accuracy(recognised: str, blocks) -> float:
    """Share of the source characters recognised in order (whitespace ignored)."""
    a, b = norm(_source_text(blocks)), norm(recognised)
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(x.size for x in m.get_matching_blocks()) / len(a)


def test_the_cjk_font_is_installed():
    # Debian's fonts-wqy-zenhei (installed by the Makefile): without it no scan can be made
    assert FONT.exists()


def test_png_notice_reading_order_paragraphs_and_gongwen_parts(tmp_path):
    doc = read_file(save_png(tmp_path / "notice.png", NOTICE), **LIMITS)
    assert doc.kind == "image" and doc.pages == [0]
    assert set(doc.ocr_pages) == {1} and doc.ocr_pages[1] > 0.9
    assert _accuracy(doc.text, NOTICE) >= 0.97
    lines = doc.text.split("\n")
    # centred lines are lines of their own, in reading order; the wrapped paragraph is one
    assert lines[0] == "青溪市人民政府办公室文件"
    assert (
        lines.index("青溪市智能制造发展扶持办法的通知")
        == lines.index("青溪市人民政府办公室关于印发") + 1
    )
    body = next(ln for ln in lines if ln.startswith("经市政府同意"))
    assert "请结合实际认真贯彻落实。对首次认定的智能工厂，给予一次性奖励150万元。" in body
    assert lines[-2:] == ["青溪市人民政府办公室", "2025年9月3日"]
    # every character of the text lies in a span with its confidence
    assert sum(e - s for s, e, _ in doc.ocr_spans) == len(doc.text) - doc.text.count("\n")
    g = parse(doc.text)
    assert g.is_gongwen
    assert g.doc_number == "青府办发〔2025〕12号"
    assert g.title == "青溪市人民政府办公室关于印发青溪市智能制造发展扶持办法的通知"
    assert g.issuer == "青溪市人民政府办公室" and g.signed_date == "2025-09-03"
    assert g.recipients == "各县（市、区）人民政府，市政府各部门"


def test_multipage_tiff_keeps_its_pages(tmp_path):
    p = save_tiff(tmp_path / "scan.tif", [NOTICE[4:6], MEASURES], a4=False)
    doc = read_file(p, **LIMITS)
    assert len(doc.pages) == 2 and set(doc.ocr_pages) == {1, 2}
    first, second = doc.text[: doc.pages[1]], doc.text[doc.pages[1] :]
    assert "扶持办法的通知" in first and "第六条" not in first
    assert "按设备投资额的12%给予补助，单个企业最高400万元。" in second
    assert norm("第九条 本办法自2025年10月1日起施行，有效期至2027年9月30日。") in norm(second)


def test_image_only_and_mixed_pdfs_ocr_only_the_pages_without_text(tmp_path):
    scanned = save_scanned_pdf(tmp_path / "scan.pdf", [MEASURES], a4=False)
    doc = read_file(scanned, **LIMITS)
    assert doc.kind == "pdf" and set(doc.ocr_pages) == {1}
    assert "单个企业最高400万元" in doc.text

    from pypdf import PdfWriter

    text_pdf = chinese_pdf(
        tmp_path / "text.pdf", [["第一章 总则", "本办法适用于全市智能制造企业。"]]
    )
    w = PdfWriter()
    w.append(str(text_pdf))
    w.append(str(scanned))
    w.append(str(text_pdf))
    w.write(tmp_path / "mixed.pdf")
    mixed = read_file(tmp_path / "mixed.pdf", **LIMITS)
    assert len(mixed.pages) == 3
    assert set(mixed.ocr_pages) == {2}  # pages 1 and 3 have a text layer and are not OCR'd
    pages = [mixed.text[a:b] for a, b in zip(mixed.pages, [*mixed.pages[1:], None], strict=True)]
    assert pages[0].strip() == pages[2].strip() == "第一章 总则\n本办法适用于全市智能制造企业。"
    assert norm("第九条 本办法自2025年10月1日起施行") in norm(pages[1])
    start, end, conf = mixed.ocr_spans[0]
    assert mixed.pages[1] <= start < end <= mixed.pages[2] and conf > 0.9


def test_a_sparse_text_page_without_a_picture_is_not_ocrd(tmp_path):
    p = chinese_pdf(
        tmp_path / "a.pdf", [["附件"], ["第二页的正文内容较长，超过二十个字符，属于正常的文字层。"]]
    )
    doc = read_file(p, **LIMITS)
    assert doc.ocr_pages == {} and doc.text.startswith("附件")


def _png(width: int, height: int, rows: bytes | None = None) -> bytes:
    """A valid 1-bit PNG of the given size whose pixel data is zeros (compresses to almost
    nothing, decompresses to width × height pixels): a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    z = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _truncated(p):
    data = save_png(p, NOTICE).read_bytes()
    p.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    "make, reasons",
    [
        (
            lambda p: p.write_bytes(_png(12_000, 12_000)),
            ["12000 × 12000 像素", "百万像素的上限"],
        ),
        (lambda p: p.write_bytes(_png(20_000, 20_000)[:4096]), ["400 百万像素", "上限"]),
        (_truncated, ["不完整或已损坏"]),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), ["不是可读取的图片"]),
    ],
    ids=["bomb", "huge", "truncated", "garbage"],
)
def test_hostile_images_are_refused_with_a_reason(tmp_path, make, reasons):
    p = tmp_path / "x.png"
    make(p)
    assert p.stat().st_size < 200_000  # small files: the danger is in what they decode to
    with pytest.raises(ReadError) as e:
        read_file(p, **LIMITS)
    assert all(r in str(e.value) for r in reasons), str(e.value)


def test_page_and_time_limits(tmp_path):
    tif = save_tiff(tmp_path / "two.tif", [NOTICE[:1], NOTICE[2:3]], a4=False)
    with pytest.raises(ReadError, match="图片共 2 页，超过 OCR 每个文件 1 页的上限"):
        read_file(tif, **LIMITS, ocr=OcrOptions(max_pages=1))
    with pytest.raises(ReadError, match=r"第 1 页：OCR 识别超过每页 0\.001 秒的时限"):
        read_file(tif, **LIMITS, ocr=OcrOptions(page_timeout_s=0.001))


def test_hostile_files_fail_alone_and_store_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bomb.png").write_bytes(_png(12_000, 12_000))
    (corpus / "cut.tif").write_bytes(
        save_tiff(tmp_path / "t.tif", [NOTICE[:1]], a4=False).read_bytes()[:900]
    )
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    (corpus / "note.txt").write_text("青溪市智能制造企业名录每年更新一次。", encoding="utf-8")
    s = make_settings(tmp_path / "kb", corpus_dir=corpus, project_root=tmp_path, embed_model=HASH)
    report = ingest(None, s)
    failed = {f.source: f.reason for f in report.failed}
    assert set(failed) == {"corpus/bomb.png", "corpus/cut.tif", "corpus/photo.jpg"}
    assert "百万像素的上限" in failed["corpus/bomb.png"]
    assert any(r in failed["corpus/cut.tif"] for r in ("不完整或已损坏", "不是可读取的图片"))
    assert "图片" in failed["corpus/photo.jpg"]
    store = Store(s)
    assert [d.source for d in store.catalog.documents()] == ["corpus/note.txt"]
    assert store.catalog.chunk_ids() == store.vectors.ids()


def test_ocr_needs_no_network(tmp_path):
    """The engine loads its models from the installed wheel: with sockets refused, a page is
    still read."""
    import socket

    real = socket.socket

    def refuse(*a, **kw):
        raise OSError("network disabled in this test")

    socket.socket = refuse
    try:
        import ingest.ocr.engine as ocr

        ocr._pool.clear()  # load the models afresh, offline
        ocr._made = 0
        doc = read_file(save_png(tmp_path / "one.png", NOTICE[2:3], a4=False), **LIMITS)
    finally:
        socket.socket = real
    assert norm(doc.text) == norm("青府办发〔2025〕12号")


def test_uploads_check_images_by_content(tmp_path):
    from ingest.uploads import check_content

    png = save_png(tmp_path / "p.png", NOTICE[:1], a4=False).read_bytes()
    assert check_content("扫描件.png", png, 10**8) == ""
    assert "不是 JPG 图片" in check_content("photo.jpg", png, 10**8)
    assert "不是 TIF 图片" in check_content("scan.tif", b"<html>not a scan</html>", 10**8)
    assert check_content("photo.webp", png, 10**8).startswith("不支持的文件类型")


def test_phone_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    from tests.scans import fit_height, render_page

    blocks = [MEASURES[0]]
    upright = render_page(blocks, height=fit_height(blocks)).convert("RGB")
    stored = upright.rotate(90, expand=True)  # the sensor's orientation
    exif = stored.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    stored.save(tmp_path / "photo.jpg", quality=90, exif=exif.tobytes())
    doc = read_file(tmp_path / "photo.jpg", **LIMITS)
    assert norm("按设备投资额的12%给予补助，单个企业最高400万元") in norm(doc.text)
