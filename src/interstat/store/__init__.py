"""The SQLite store: where it lives, its schema, and the writes every path shares.

Standard library only: the capture hook imports this on every event.
"""
