#!/usr/bin/env bash
# LocalStack runs this hook once it is ready (init/ready.d, in name order): it
# creates every resource of the sample from the repo's documents (lambdas/,
# statemachine/, iam/). A failure marks the hook ERROR in /_localstack/init/ready,
# which the stack's health check and `make up` report.
#
# The engine's environment says what to deploy, where and how (src/sfnlocal/engine/
# settings.py, for the embedded engine and the image alike): SFNLOCAL_APP_DIR,
# SFNLOCAL_PYTHON, SFNLOCAL_ENDPOINT, SFNLOCAL_OUTPUTS, DEPLOY_PREFIX, APPROVAL_MODE.
# The deploy reads them itself and has the defaults (python -m sfnlocal.deploy --help).
set -euo pipefail

: "${SFNLOCAL_APP_DIR:?SFNLOCAL_APP_DIR must name the folder holding lambdas/, statemachine/ and iam/}"
: "${SFNLOCAL_PYTHON:?SFNLOCAL_PYTHON must name the Python that has this project (that of the engine)}"
echo "init: deploying the sample from $SFNLOCAL_APP_DIR"
exec "$SFNLOCAL_PYTHON" -m sfnlocal.deploy
