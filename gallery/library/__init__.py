"""Qt-free library: SQLite store (the source of truth), hnswlib indexes, scanner, pipeline."""
