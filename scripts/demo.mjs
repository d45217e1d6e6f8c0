// The demo of ./run.sh: submits a migration of the sample export through the HTTP API,
// draws its progress live, then prints the report summary. Node 20, no dependencies.
// Usage: node scripts/demo.mjs <apiUrl> <exportDir> [bearerToken]
const [apiUrl, exportDir, token] = process.argv.slice(2);
const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body) {
  const res = await fetch(apiUrl + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

const submit = await call('POST', '/admin/data-migration/jobs', {
  source: { kind: 'file', location: exportDir },
  scope: { merchantIds: [], dataTypes: ['CampaignData', 'ProductCatalogData'] },
  options: { batchSize: 50, dryRun: false, maxRejectedRatio: 0.05 },
});
if (submit.status !== 202) {
  console.error(`submission refused: HTTP ${submit.status}`, JSON.stringify(submit.json, null, 2));
  process.exit(1);
}
const location = submit.headers.get('location');
console.log(`Job submitted: ${submit.json.jobId}  (${apiUrl}${location})`);

const width = 40;
let job;
for (;;) {
  job = (await call('GET', location)).json;
  const p = job.progress;
  const filled = Math.round((p.percent / 100) * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  process.stdout.write(`\r[${bar}] ${p.percent.toFixed(0).padStart(3)}%  ${job.status.padEnd(24)} read ${p.recordsRead}  loaded ${p.recordsLoaded}  `);
  if (!job.status.startsWith('InProgress') && job.status !== 'Submitted') break;
  await sleep(250);
}
process.stdout.write('\n');

console.log(`Final status: ${job.status}${job.error ? ` — ${job.error}` : ''}`);
if (job.validationReportUrl) {
  const report = (await call('GET', job.validationReportUrl)).json;
  console.log('\nentity                 read  skipped rejected superseded loaded verified');
  for (const [name, e] of Object.entries(report.entities)) {
    console.log(`${name.padEnd(20)} ${String(e.read).padStart(6)} ${String(e.skippedOutOfScope).padStart(8)} ${String(e.rejected).padStart(8)} ${String(e.superseded).padStart(10)} ${String(e.loaded).padStart(6)} ${String(e.verified).padStart(8)}`);
    for (const [reason, n] of Object.entries(e.rejectedByReason)) console.log(`    ${reason}: ${n}`);
  }
  console.log(`\nvalidation ${report.validation.passed ? 'passed' : 'FAILED'}; duration ${report.durationSeconds}s`);
  console.log(`Report:     ${apiUrl}${job.validationReportUrl}`);
  console.log(`Rejections: ${apiUrl}${report.rejectionsUrl}`);
}
