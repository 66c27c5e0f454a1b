"""Scanned pages made for tests: Chinese text rendered with a CJK font onto A4 pages at 150 dpi
(the way a 公文 is laid out: centred 版头 and title, indented paragraphs wrapped at the
margin, right-aligned signature and date), saved as PNG, multi-page TIFF, or an image-only
PDF."""

from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian fonts-wqy-zenhei
A4_150DPI = (1240, 1754)
MARGIN = 150
SIZE = 32  # 16 pt at 150 dpi, as a 公文's 三号 body text
PITCH = 56  # line pitch


def _font(size: int = SIZE):
    from PIL import ImageFont

    if not FONT.exists():
        raise RuntimeError(
            f"{FONT} is missing: install Debian's fonts-wqy-zenhei (the Makefile's apt line does)"
        )
    return ImageFont.truetype(str(FONT), size)


def render_page(blocks: list[tuple[str, str]], size: int = SIZE, height: int | None = None):
    """One page. blocks: (how, text) with how in center | para (indented, wrapped) | left |
    right | gap. ``height``: a shorter page than A4 (keeps tests quick)."""
    from PIL import Image, ImageDraw

    font = _font(size)
    w, h = A4_150DPI[0], height or A4_150DPI[1]
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    width = w - 2 * MARGIN
    y = MARGIN
    for how, text in blocks:
        if how == "gap":
            y += PITCH
            continue
        if how == "para":
            lines, cur, indent = [], "", 2 * size
            for ch in text:
                limit = width - (indent if not lines else 0)
                # a line never starts with a closing mark (it hangs in the margin instead)
                if d.textlength(cur + ch, font=font) > limit and ch not in "。，、；：？！”）》":
                    lines.append(cur)
                    cur = ""
                cur += ch
            lines.append(cur)
            for i, line in enumerate(lines):
                d.text((MARGIN + (indent if i == 0 else 0), y), line, font=font, fill=0)
                y += PITCH
            continue
        tw = d.textlength(text, font=font)
        x = {"center": (w - tw) / 2, "left": MARGIN, "right": w - MARGIN - tw - 2 * size}[how]
        d.text((x, y), text, font=font, fill=0)
        y += PITCH
    return img


def fit_height(blocks: list[tuple[str, str]]) -> int:
    """A page just tall enough for its blocks (paragraphs counted at their wrapped length)."""
    lines = sum(1 if how != "para" else len(text) // 30 + 1 for how, text in blocks)
    return 2 * MARGIN + lines * PITCH


def save_png(path: Path, blocks: list[tuple[str, str]], a4: bool = True) -> Path:
    render_page(blocks, height=None if a4 else fit_height(blocks)).save(path, dpi=(150, 150))
    return path


def save_tiff(path: Path, pages: list[list[tuple[str, str]]], a4: bool = True) -> Path:
    imgs = [render_page(b, height=None if a4 else fit_height(b)) for b in pages]
    imgs[0].save(
        path, save_all=True, append_images=imgs[1:], compression="tiff_deflate", dpi=(150, 150)
    )
    return path


def save_scanned_pdf(path: Path, pages: list[list[tuple[str, str]]], a4: bool = True) -> Path:
    """An image-only PDF: each page is a picture, with no text layer (as a scanner makes)."""
    imgs = [render_page(b, height=None if a4 else fit_height(b)).convert("RGB") for b in pages]
    imgs[0].save(path, save_all=True, append_images=imgs[1:], resolution=150.0)
    return path
