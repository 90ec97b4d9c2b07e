"""The history of audits: a signed hash chain in SQL (SQLite by default, PostgreSQL by URL)."""

from ailm.history.chain import Position, Verification
from ailm.history.store import DEFAULT_PATH, History, HistoryError, resolve_url

__all__ = ["DEFAULT_PATH", "History", "HistoryError", "Position", "Verification", "resolve_url"]
