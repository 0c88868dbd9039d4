// CommonJS entry that piscina loads with require(). Our worker is an ES module; letting piscina
// require() it directly goes through Node 20's experimental require(esm), which was seen to crash
// the process intermittently (v8 "IsGraphAsync must be used on an instantiated module").
// A dynamic import() from this CJS file is the supported path.
'use strict';
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

let handler;
module.exports = async function run(task) {
  if (!handler) handler = (await import(pathToFileURL(join(__dirname, '..', 'dist', 'workers', 'kernel_worker.js')).href)).default;
  return handler(task);
};
