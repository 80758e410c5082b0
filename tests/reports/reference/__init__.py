"""The built-in sections as they were before they aggregated in SQL.

Each module is the section's earlier code, unchanged: it loops over every
loaded run in Python (``ReportContext.runs()`` and friends). The tests in
test_sql_matches_reference.py hold the SQL sections to these on random
stores, so that moving the arithmetic into SQL changed no reported value.
"""
