#!/usr/bin/env node
'use strict'
// The project's dynalite launcher (scripts/lib/stack.sh starts it with the options of dynalite's own cli.js), with one
// guard. dynalite's request handler rethrows any error of an incoming request (its index.js:
// `req.on('error', function (err) { throw err })`), so a client that closes its connection while a request body is
// still arriving (a silo cancelling a BatchWriteItem part-way through its upload, or stopping) ended the whole emulator
// with "Error: aborted", and every later call, of every job and test, was refused. Here that request is dropped and the
// server goes on, as DynamoDB does.
const argv = require('minimist')(process.argv.slice(2))
const server = require('dynalite')(argv)

server.on('request', (req, res) => {
  // Called after dynalite's own handler, which has just added the listener that rethrows.
  req.removeAllListeners('error')
  req.on('error', () => res.destroy())
})

server.listen(argv.port || 4567, argv.host || undefined, () => {
  console.log('Dynalite listening at: http://%s:%s', argv.host || 'localhost', server.address().port)
})
