// What the browser tests share: the stack they run against (from test.sh), Debian's chromium
// driven by playwright-core, screenshots as artifacts, and generated exports.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through ./test.sh e2e, which starts the stack`);
  return value;
};

export const stack = {
  url: required('E2E_BASE_URL'),
  adminToken: required('E2E_ADMIN_TOKEN'),
  viewerToken: required('E2E_VIEWER_TOKEN'),
  sampleExport: required('E2E_SAMPLE_EXPORT'),
  workDir: required('E2E_WORK_DIR'),
  artifacts: required('E2E_ARTIFACTS'),
};

/** The system chromium (no browser download); without the networking flags it keeps calling home. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A fresh page at the given width; page errors fail the test that looks at `errors`. */
export async function openPage(browser, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.setDefaultTimeout(15_000);
  return { page, errors, close: () => context.close() };
}

/** Signs in through the form, as a person would. */
export async function signIn(page, token = stack.adminToken) {
  await page.goto(stack.url);
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Migration jobs' }).waitFor();
}

export async function screenshot(page, name) {
  mkdirSync(stack.artifacts, { recursive: true });
  await page.screenshot({ path: join(stack.artifacts, `${name}.png`), fullPage: true });
}

/** Waits until the job page's status badge reads `label` (the page polls by itself; no reloads). */
export async function waitForStatus(page, label, timeout = 120_000) {
  await page.locator('h1 .badge', { hasText: new RegExp(`^${label}$`) }).waitFor({ timeout });
}

/**
 * A valid campaign export of campaigns x days performance rows under the work directory (an allowed
 * source root of the stack). Loaded one record per batch it keeps a job in Loading for about a minute.
 */
export function slowExport(name, campaigns = 200, days = 60) {
  const dir = join(stack.workDir, name);
  mkdirSync(dir, { recursive: true });
  const p = `${name}-`;
  const parents = ['merchant_id,campaign_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,last_modified'];
  const rows = ['campaign_id,merchant_id,date,impressions,clicks,cost,conversions'];
  for (let c = 0; c < campaigns; c++) {
    parents.push(`${p}m1,${p}c${c},Campaign ${c},active,10.00,usd,2024-01-01,,,2024-01-01T00:00:00Z`);
    for (let d = 0; d < days; d++) {
      rows.push(`${p}c${c},${p}m1,${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${100 + d},${d % 10},1.25,1`);
    }
  }
  writeFileSync(join(dir, 'campaigns.csv'), `${parents.join('\n')}\n`);
  writeFileSync(join(dir, 'campaign_performance.csv'), `${rows.join('\n')}\n`);
  return dir;
}

/** Fills the submit form; only the fields given are changed from their defaults. */
export async function fillJobForm(page, { location, batchSize, ratio, campaigns = true, catalogs = true, dryRun = false }) {
  if (location !== undefined) await page.getByLabel('Export directory').fill(location);
  await page.getByLabel('Campaigns and performance').setChecked(campaigns);
  await page.getByLabel('Product catalogues and products').setChecked(catalogs);
  if (batchSize !== undefined) await page.getByLabel('Batch size').fill(String(batchSize));
  if (ratio !== undefined) await page.getByLabel('Reject ratio').fill(String(ratio));
  await page.getByLabel(/Dry run/).setChecked(dryRun);
}
