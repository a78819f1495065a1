#!/usr/bin/env bash
# LocalStack runs this hook once it is ready (init/ready.d, in name order): it
# creates every resource of the sample from the repo's documents (lambdas/,
# statemachine/, iam/). A failure marks the hook ERROR in /_localstack/init/ready,
# which the stack's health check and `make up` report.
set -euo pipefail

: "${SFNLOCAL_APP_DIR:?SFNLOCAL_APP_DIR must name the folder holding lambdas/, statemachine/ and iam/}"
args=(
  --endpoint-url "${SFNLOCAL_ENDPOINT:-http://127.0.0.1:4566}"
  --prefix "${DEPLOY_PREFIX:-sfnlocal}"
  --repo-root "$SFNLOCAL_APP_DIR"
)
if [ -n "${SFNLOCAL_OUTPUTS:-}" ]; then
  args+=(--outputs "$SFNLOCAL_OUTPUTS")
fi
echo "init: deploying the sample from $SFNLOCAL_APP_DIR"
exec "${SFNLOCAL_PYTHON:-python3}" -m sfnlocal.deploy "${args[@]}"
