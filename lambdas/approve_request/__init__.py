"""Approve Request: the human-approval stand-in, fed by the approval SQS queue."""
