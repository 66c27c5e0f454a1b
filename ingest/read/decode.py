"""Text files' bytes to text: UTF-8, a byte-order mark, GB18030, or a detected encoding;
binary content is refused."""

from __future__ import annotations

import codecs

from ingest.errors import ReadError
from kb.core.text import is_cjk

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes) -> str:
    """UTF-8 first, then a BOM, then GB18030 (a superset of GBK/GB2312, the usual legacy
    encoding of Chinese government files), then charset-normalizer's best guess."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _clean_decoded(data.decode(enc, errors="strict"))
    try:
        return _clean_decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise ReadError("内容是二进制数据，不是文本（含 NUL 字节，且没有 UTF-16 字节序标记）")
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return _clean_decoded(text)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise ReadError("无法识别文本编码（不是 UTF-8、UTF-16、GB18030 或其他已知编码）")
    return _clean_decoded(str(best))


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    if bad / len(text) > 0.01:
        return False
    # Decoding random bytes as GB18030 "succeeds" with rare characters; real Chinese text
    # is mostly common CJK, ASCII and punctuation.
    common = sum(
        1
        for c in text
        if c.isascii()
        or is_cjk(c)
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or c in "“”‘’—…·"
    )
    return common / len(text) > 0.9


def _clean_decoded(text: str) -> str:
    if "\x00" in text:
        raise ReadError("内容是二进制数据，不是文本（含 NUL 字符）")
    return text.replace("\r\n", "\n").replace("\r", "\n")
