"""Deploy the sample (functions, queues, topic, roles, state machine) from its documents.

The documents are the repository's ``statemachine/``, ``iam/`` and
``lambdas/*/function.json``; nothing they say is hard-coded here.

    from sfnlocal.deploy import deploy
    outputs = deploy("http://127.0.0.1:4566", prefix="sfnlocal", outputs_path=Path("out.json"))

or ``python -m sfnlocal.deploy --help``.
"""

from sfnlocal.sample.documents import Documents, FunctionSpec, find_repo_root, load_documents
from sfnlocal.sample.errors import DocumentError, Problem
from sfnlocal.sample.outputs import FunctionOutput, Outputs

from .deployer import deploy, deploy_state_machine, prepare
from .errors import DeployError
from .packaging import build_package, code_sha256

__all__ = [
    "DeployError",
    "DocumentError",
    "Documents",
    "FunctionSpec",
    "Problem",
    "build_package",
    "code_sha256",
    "deploy",
    "deploy_state_machine",
    "find_repo_root",
    "load_documents",
    "prepare",
    "Outputs",
    "FunctionOutput",
]
