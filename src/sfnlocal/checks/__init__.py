"""Checks of the sample's documents: the States Language, the IAM policy grammar, least privilege.

- :mod:`.asl`: the state machine against the Amazon States Language (stdlib only;
  the deploy runs it), plus the ``statelint`` linter as a second opinion (the
  check command only).
- :mod:`.iam_grammar`: IAM policy documents against the policy grammar (stdlib only).
- :mod:`.resolved`: the documents with their placeholders resolved to symbolic
  values, validated again (the deploy runs it in ``prepare()``).
- :mod:`.calls`: the AWS calls that each function's code makes (``ast``).
- :mod:`.least_privilege`: what each role needs against what its policies allow.
- :mod:`.report`: all of it as one report; ``python -m sfnlocal.checks`` and
  ``sfnlocal check`` print it and exit 1 on any problem.

This package's ``__init__`` imports nothing, so that ``sfnlocal.deploy`` can use
:mod:`.asl` and :mod:`.iam_grammar` without an import cycle.
"""
