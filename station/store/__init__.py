"""Sessions on disk: the SQLite database (db, schema), the live recorder (recorder), the
optional session video (video), importing a file as a session (importer) and exporting one
as CSV (export). DESIGN.md "Storage and reports"."""
from station.store.db import DB_NAME, DISK_FULL_STATUS, INTERRUPTED
from station.store.store import Runner, SessionFrames, SessionInfo, Store
from station.store.recorder import SessionRecorder

__all__ = ["DB_NAME", "DISK_FULL_STATUS", "INTERRUPTED", "Runner", "SessionFrames",
           "SessionInfo", "Store", "SessionRecorder"]
