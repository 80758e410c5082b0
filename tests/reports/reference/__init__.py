"""The built-in sections' earlier arithmetic: every loaded run, summed in Python.

Each module holds only what its section computed before it aggregated in
SQL: the loop over the loaded runs (``ReportContext.runs()``,
``token_runs()``, ``dispatched()``, ``internal()``) and the Python sums,
counts, percentiles and sorts over them. What the two share unchanged
(columns, labels, verdict and note text) is imported from the section's own
module in ``interstat_reports``; the SQL helpers (``interstat_reports.groups``,
``ranked``, ``sql``) are not. The tests in test_sql_matches_reference.py
hold the SQL sections to these on random stores, so that moving the
arithmetic into SQL changed no reported value.
"""
