// The Node.js runtime's bootstrap: runs AWS's runtime interface client
// (aws-lambda-ric, from the runtime's node_modules) on the handler named on the
// command line, in the function's folder (LAMBDA_TASK_ROOT). The client talks
// to the Runtime API at AWS_LAMBDA_RUNTIME_API.
//
// The package's own `aws-lambda-ric` command does the same but first prints
// "Executing '<handler>' in function directory ..." into the function's log,
// which no Lambda runtime on AWS prints.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const handler = process.argv[2];
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const require = createRequire(join(process.env.LAMBDA_RUNTIME_DIR, "node_modules", "index.js"));
const { run } = await import(pathToFileURL(require.resolve("aws-lambda-ric")).href);
await run(taskRoot, handler);
