"""The web console: the seed's Step Functions console pages (state machine and
its graph, Start execution, executions, Execution details with the Graph
inspector, approvals, deployed resources) served on 127.0.0.1 by the project,
every asset included, so it works offline.

``python -m sfnlocal.console`` serves it in the foreground; ``sfnlocal up``
(``make up``) starts it in the background and ``sfnlocal down`` stops it.
"""
