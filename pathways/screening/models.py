"""Ingest jobs, screening runs, and the targeted lines officers examine.

Manifest lines themselves are batch data: they live in a Parquet line store under
``var/screening/lines/`` (see ADR 0007), and only the lines a run targets enter the database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pathways.core.clock import utcnow
from pathways.seizures.models import PartyColumns
from pathways.store.base import Base, Marked


class JobStatus:
    RUNNING = "running"
    DONE = "done"
    ALL = (RUNNING, DONE)


class IngestJob(Base):
    """One manifest file being ingested: resumable by chunk, recognised again by its SHA-256."""

    __tablename__ = "screening_ingest_jobs"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(400))
    file_format: Mapped[str] = mapped_column(String(10))
    file_bytes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), index=True, default=JobStatus.RUNNING)
    store_dir: Mapped[str] = mapped_column(String(600))
    chunk_rows: Mapped[int] = mapped_column(Integer)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)  # the last committed chunk + 1
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    rejects_path: Mapped[str] = mapped_column(String(600), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class ScreeningRun(Base):
    __tablename__ = "screening_runs"

    job_id: Mapped[str] = mapped_column(String(36), index=True)
    filename: Mapped[str] = mapped_column(String(400))
    engine: Mapped[str] = mapped_column(String(20))
    lines: Mapped[int] = mapped_column(Integer, default=0)
    scored: Mapped[int] = mapped_column(Integer, default=0)
    targeted: Mapped[int] = mapped_column(Integer, default=0)
    sampled: Mapped[int] = mapped_column(Integer, default=0)
    threshold: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[float] = mapped_column(Float)
    rules_digest: Mapped[str] = mapped_column(String(64))
    recordations: Mapped[int] = mapped_column(Integer, default=0)
    out_path: Mapped[str] = mapped_column(String(600), default="")
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class LineStatus:
    QUEUED = "queued"
    RELEASED = "released"  # examined, no violation
    DETAINED = "detained"  # confusingly similar: detention
    SEIZED = "seized"  # counterfeit: seizure
    ALL = (QUEUED, RELEASED, DETAINED, SEIZED)
    VIOLATION = (DETAINED, SEIZED)
    LABEL = {QUEUED: "Awaiting exam", RELEASED: "No violation — released", DETAINED: "Detained",
             SEIZED: "Seized as counterfeit"}


class TargetedLine(PartyColumns, Marked, Base):
    """A manifest line a run targeted (score at the threshold, or the compliance sample)."""

    __tablename__ = "targeted_lines"
    # Written by a run in bulk, audited once per run as a "load" event; outcomes are ORM updates.
    __audit_batch_column__ = "run_id"

    run_id: Mapped[str] = mapped_column(String(36), index=True)
    line_id: Mapped[str] = mapped_column(String(64), unique=True)
    entry_number: Mapped[str] = mapped_column(String(40), index=True)
    arrival_date: Mapped[date | None] = mapped_column(Date, default=None)
    port_code: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(20))
    origin_country: Mapped[str] = mapped_column(String(2), default="")
    hts_code: Mapped[str] = mapped_column(String(20), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    unit_value_usd: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float] = mapped_column(Float)
    targeted: Mapped[bool] = mapped_column(Boolean, default=True)  # at the threshold (not only sampled)
    sampled: Mapped[bool] = mapped_column(Boolean, default=False)
    recordation_numbers: Mapped[str] = mapped_column(String(400), default="")  # "TMK 26-00001;TMK 26-00007"
    rules: Mapped[str] = mapped_column(String(400), default="")  # |mark_exact|undervalued|
    reasons: Mapped[str] = mapped_column(Text, default="")  # one reason a line
    status: Mapped[str] = mapped_column(String(20), default=LineStatus.QUEUED)
    outcome_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome_by: Mapped[str | None] = mapped_column(String(120), default=None)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    detention_id: Mapped[str | None] = mapped_column(String(36), default=None)
    seizure_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_targeted_lines_queue", "port_code", "status", "score"),)

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split("\n") if r]

    @property
    def recordation_list(self) -> list[str]:
        return [r for r in self.recordation_numbers.split(";") if r]
