// Mints a bearer token for the local stack: a JWT signed (HS256) with the data folder's key, the
// way ./run.sh token uses it. Node 20, no dependencies. Prints the token alone on stdout.
// Usage: node scripts/token.mjs --key-file F --issuer I --audience A --role R --sub S [--hours H]
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    'key-file': { type: 'string' },
    issuer: { type: 'string' },
    audience: { type: 'string' },
    role: { type: 'string' },
    sub: { type: 'string' },
    hours: { type: 'string', default: '8' },
  },
});
for (const name of ['key-file', 'issuer', 'audience', 'role', 'sub']) {
  if (!o[name]) {
    console.error(`token.mjs: --${name} is required`);
    process.exit(2);
  }
}
const hours = Number(o.hours);
if (!(hours > 0 && hours <= 24 * 7)) {
  console.error('token.mjs: --hours must be between 0 and 168');
  process.exit(2);
}

const key = Buffer.from(readFileSync(o['key-file'], 'utf8').trim(), 'base64');
const now = Math.floor(Date.now() / 1000);
const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const header = b64url({ alg: 'HS256', typ: 'JWT' });
const payload = b64url({
  iss: o.issuer,
  aud: o.audience,
  sub: o.sub,
  roles: [o.role],
  iat: now,
  nbf: now,
  exp: now + Math.round(hours * 3600),
  jti: randomUUID(),
});
const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
console.log(`${header}.${payload}.${signature}`);
