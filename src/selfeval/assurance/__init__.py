"""Practice quality: practice weeks, case audits, moderation, dip samples, feedback, complaints.

The library the CLI and the web app call:

- ``selfeval.assurance.grades``: ``Grade`` (Ofsted's four-point scale), ``DEFAULT_DOMAINS``.
- ``selfeval.assurance.records``: the records (``Audit``, ``PracticeWeek``, ``DipSample``,
  ``EvidenceItem``, ``AssuranceData``).
- ``selfeval.assurance.repository``: saving (one transaction, checked) and reading them; the
  import bookkeeping (one row per workbook, found again by content, undone whole) is
  ``selfeval.store.workbook_imports``, shared with ``selfeval.plans``; their tables are
  declared with the plan's in ``selfeval.store.workbook_tables`` (the store owns the schema).
- ``selfeval.assurance.summary``: grade shares, moderation agreement, themes.
- ``selfeval.assurance.io``: the Excel template, import and export.
"""
