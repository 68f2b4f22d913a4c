"""The cohort audit (``dida-view audit``), without Qt: the function that analyses one case or
B-scan and returns a plain record (:mod:`~dida_view.audit.worker`), the JSONL ledger that
makes a run resumable (:mod:`~dida_view.audit.ledger`), the stored results
(:mod:`~dida_view.audit.results`), the summary (:mod:`~dida_view.audit.summary`), the
executors that farm the cases out to local processes or a Ray cluster
(:mod:`~dida_view.audit.executors`), and the driver that alone writes the output folder
(:mod:`~dida_view.audit.run`), and ``audit.html`` (:mod:`~dida_view.audit.page`; its
charts are painted by :mod:`dida_view.report.charts`, the one Qt painter of the package's
pictures besides the report's PDF writer)."""
