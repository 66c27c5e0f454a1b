"""What an ingest run reports: one result per file, counts, and seconds per stage."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field

log = logging.getLogger("ingest")


@dataclass
class FileResult:
    source: str
    status: str  # added | updated | unchanged | removed | failed | skipped | queued
    doc_id: str | None = None
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    documents: int = 0
    chunks: int = 0
    texts_embedded: int = 0  # sentences, table rows and context lines run through the model
    texts_reused: int = 0  # ... whose vector was found already made
    redescribed: list[str] = field(default_factory=list)  # unchanged, with a new title etc.

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict:
        return {
            "files": [asdict(f) for f in self.files],
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "removed": self.count("removed"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "queued": self.count("queued"),
            "documents": self.documents,
            "chunks": self.chunks,
            "texts_embedded": self.texts_embedded,
            "texts_reused": self.texts_reused,
            "redescribed": self.redescribed,
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
        }


class Timer:
    """Seconds per stage, summed into the report's timings: each lap charges the stage with
    the time since the previous lap (or mark)."""

    def __init__(self, report: IngestReport) -> None:
        self.t = report.timings_s
        self.started = self.last = time.perf_counter()

    def mark(self) -> None:
        """Start timing afresh (what happened since the last lap is charged to no stage)."""
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.t[stage] = self.t.get(stage, 0.0) + now - self.last
        self.last = now

    def total(self) -> None:
        self.t["total"] = time.perf_counter() - self.started


def unexpected(e: Exception) -> str:
    """The reason a file failed on an error no reader foresaw; the error itself, with its
    traceback, goes to the log for the operator."""
    log.error("reading a file failed unexpectedly", exc_info=e)
    return "读取时发生意外错误（详情见运行日志）"


def write_failed(e: Exception) -> str:
    """The reason a file read well could not be stored (the store's words go to the log)."""
    log.error("writing a document to the store failed", exc_info=e)
    return "写入知识库失败（详情见运行日志）"


def summary_line(r: FileResult) -> str:
    label = {
        "added": "新增",
        "updated": "更新",
        "unchanged": "未变",
        "removed": "移除",
        "failed": "失败",
        "skipped": "跳过",
        "queued": "排队",
    }[r.status]
    if r.status in ("failed", "skipped"):
        return f"{label}  {r.source}: {r.reason}"
    return f"{label}  {r.source}" + (f" ({r.chunks} 段)" if r.chunks else "")


def report_json(report: IngestReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def extra_lines(report: IngestReport) -> list[str]:
    """What the summary adds when it applies: sentences whose vectors were reused, and
    unchanged documents given a new title or type."""
    out = []
    if report.texts_reused:
        out.append(
            f"向量化 {report.texts_embedded} 句，另有 {report.texts_reused} 句与已入库内容相同，"
            "沿用已有向量"
        )
    if report.redescribed:
        out.append(
            f"按新的识别规则更新了 {len(report.redescribed)} 篇未变文档的标题等信息（无需重新向量化）"
        )
    return out
