"""The history store's tables (SQLAlchemy). The schema is created and upgraded by the Alembic migrations beside
this module, never by ``create_all``; a test holds the migrations to these models."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Entry(Base):
    """One recorded audit. ``content`` is the canonical JSON the chain hashes; the other columns are copies of
    parts of it, for queries, and verification checks that they still agree with it."""

    __tablename__ = "ailm_history_entries"
    __table_args__ = (UniqueConstraint("prev_sha256", name="uq_ailm_history_prev"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    audit_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[str] = mapped_column(String(40))
    ailm_version: Mapped[str] = mapped_column(String(40))
    evaluator: Mapped[str] = mapped_column(String(80))
    policy_sha256: Mapped[str] = mapped_column(String(64))
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(20))
    exit_code: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    prev_sha256: Mapped[str] = mapped_column(String(64))  # "" for the first entry
    entry_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # who vouched for this entry: the key id and a signature over entry_message(seq, entry_sha256); "" unsigned
    signer: Mapped[str] = mapped_column(String(64), server_default="")
    signature: Mapped[str] = mapped_column(Text, server_default="")


class ResultRow(Base):
    """One control's result on one subject in one audit (a copy of the entry's content, for queries)."""

    __tablename__ = "ailm_history_results"
    __table_args__ = (UniqueConstraint("audit_id", "subject", "control", name="uq_ailm_history_result"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("ailm_history_entries.audit_id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text)
    control: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))


class Head(Base):
    """The chain's head: the last entry, signed with the audit key, so that dropping the newest entries (or
    rewriting the whole chain) is detected by whoever holds the public key."""

    __tablename__ = "ailm_history_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # always 1
    seq: Mapped[int] = mapped_column(Integer)
    entry_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64))  # "" when unsigned
    signature: Mapped[str] = mapped_column(Text)  # base64 Ed25519 over head_message(seq, entry_sha256); "" unsigned
