"""The single record: every load of returns, with provenance, and the tables they make.

A store is named by one database URL (``--db``). The application database (SQLite by default,
PostgreSQL for a shared deployment) holds the catalogue of loads and everything people edit;
child-level tables are Parquet files in the store's data folder: beside a SQLite file
(``selfeval.db`` keeps its data in ``selfeval.db.data/``) or, for PostgreSQL, the folder named
by ``SELFEVAL_DATA_DIR``. Two stores never share a folder.

A load is one transaction: its tables are written to a staging folder, moved into place with an
atomic rename, and only then recorded in the database. A crash at any point leaves either the
old state (an unrecorded folder is swept away when the store next opens) or the new one.
"""

from selfeval.store.loads import FileInfo, LoadRecord
from selfeval.store.store import PendingLoad, Store, content_hash, open_store, which_authority

__all__ = [
    "FileInfo",
    "LoadRecord",
    "PendingLoad",
    "Store",
    "content_hash",
    "open_store",
    "which_authority",
]
