"""Working with the deployed workflow: start and follow executions, answer
approvals, read history and reports. The CLI prints what these return."""
