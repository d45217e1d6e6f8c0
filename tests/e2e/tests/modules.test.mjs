// The portal's pure modules, without a browser: formatting, the time-left estimate, token decoding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duration, isFinal, percent, shortId, statusTone } from '../../../src/Api/wwwroot/js/format.js';
import { EtaEstimator } from '../../../src/Api/wwwroot/js/views/eta.js';
import { decode, problemWith } from '../../../src/Api/wwwroot/js/session.js';

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload) => `${b64url({ alg: 'HS256' })}.${b64url(payload)}.c2ln`;

test('time left follows the recent rate and says so while it cannot know', () => {
  const eta = new EtaEstimator();
  assert.equal(eta.text(), 'estimating…');
  eta.add(40, 0);
  eta.add(40, 1000);
  assert.equal(eta.seconds(), null, 'no movement, no estimate');
  eta.add(50, 11_000);
  assert.equal(Math.round(eta.seconds()), 55, '10 points in 11 s leaves 50 points for 55 s');
  eta.add(90, 50_000);
  assert.equal(Math.round(eta.seconds()), 10, 'samples older than 30 s no longer count');
  eta.reset();
  eta.add(92, 51_000);
  assert.equal(eta.seconds(), null, 'a new phase is measured afresh');
});

test('durations, percentages and ids read naturally', () => {
  assert.equal(duration(2.345), '2.3 s');
  assert.equal(duration(75), '1 min 15 s');
  assert.equal(duration(3720), '1 h 2 min');
  assert.equal(duration(null), '—');
  assert.equal(percent(62.5), '62.5 %');
  assert.equal(percent(100), '100 %');
  assert.equal(shortId('01a2236a-da23-7257-93f2-199a814ecb25'), '…814ecb25');
});

test('statuses have a tone and the final ones are known', () => {
  assert.deepEqual(['Submitted', 'InProgress:Loading', 'Completed', 'CompletedWithErrors', 'Failed', 'Cancelled'].map(statusTone),
    ['submitted', 'running', 'ok', 'warn', 'bad', 'muted']);
  assert.ok(isFinal('Cancelled'));
  assert.ok(!isFinal('InProgress:Validating'));
});

test('a token is decoded for display, Unicode included, and obvious problems are caught before the server is asked', () => {
  const future = Math.floor(Date.now() / 1000) + 3600;
  assert.deepEqual(decode(jwt({ sub: 'zoë@example.com', roles: ['platform-admin'], exp: future })).sub, 'zoë@example.com');
  assert.equal(decode('not-a-jwt'), null);
  assert.equal(decode('a.!!!.c'), null);
  assert.equal(problemWith(''), 'Paste a bearer token.');
  assert.match(problemWith('abc'), /not a JWT/);
  assert.match(problemWith(jwt({ exp: 1 })), /expired/);
  assert.equal(problemWith(`Bearer ${jwt({ exp: future })}`), null);
});
