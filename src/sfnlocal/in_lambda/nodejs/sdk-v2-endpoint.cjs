// Preloaded into every Node.js runtime process (NODE_OPTIONS=--require): points
// the AWS SDK for JavaScript v2 (`aws-sdk`) at AWS_ENDPOINT_URL, so that code
// written for AWS reaches the local stack unchanged.
//
// SDK v3 reads AWS_ENDPOINT_URL itself; v2 never does (it builds each endpoint
// from the region). When a function loads v2 (any way: `aws-sdk`,
// `aws-sdk/global`, `aws-sdk/clients/...`, all of which load its lib/core), this
// sets the global `AWS.config.endpoint`, which every v2 client made afterwards
// uses, unless the code set an endpoint of its own. As with v3,
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns it off.
//
// Hand-written rather than a dependency (require-in-the-middle does the same in
// general): it runs in every function's process before any of its code, so it
// must be tiny and must not change how modules resolve. It wraps
// Module.prototype.load, which Node's CommonJS loader calls once for each module
// file, with its resolved path, and which returns once the module has run.
"use strict";

const Module = require("node:module");
const { basename, dirname, join, sep } = require("node:path");

const LIB = [sep + "aws-sdk", "lib", ""].join(sep);
// lib/core.js makes the namespace and its AWS.config; lib/node_loader.js (what
// require("aws-sdk") loads first) then replaces AWS.config with a new one.
const MAKE_CONFIG = new Set(["core.js", "node_loader.js"]);
const endpoint = process.env.AWS_ENDPOINT_URL;
const ignored = (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS || "").toLowerCase() === "true";

if (endpoint && !ignored) {
  const originalLoad = Module.prototype.load;
  Module.prototype.load = function load(filename) {
    const result = originalLoad.apply(this, arguments);
    if (filename.includes(LIB) && MAKE_CONFIG.has(basename(filename))) {
      const core = Module._cache[join(dirname(filename), "core.js")];
      const config = core && core.exports && core.exports.config;
      if (config && !config.endpoint) {
        config.update({ endpoint });
      }
    }
    return result;
  };
}
