"""The improvement plan: priorities, actions (owner, due date, RAG status), indicator targets.

- ``selfeval.plans.records``: ``Plan``, ``Priority``, ``Action``, ``Target``, ``Status``.
- ``selfeval.plans.repository``: saving a plan (one transaction, checked) and reading it.
- ``selfeval.plans.progress``: targets' progress from the indicator engine; action summaries.
- ``selfeval.plans.io``: the Excel template, import and export.
"""
