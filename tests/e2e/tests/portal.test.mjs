// The admin portal in a real browser against the real stack: sign in, a bad form, a job from
// submission to its report and rejections, cancelling a running job, keyboard use, a phone's width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillJobForm, launch, openPage, screenshot, signIn, slowExport, stack, waitForStatus } from '../lib/portal.mjs';

let browser;
let completedJobUrl;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('admin portal', { timeout: 240_000 }, () => {
  test('signing in checks the pasted token with the service and keeps it for the tab only', async () => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(stack.url);
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This is not a JWT').waitFor();
    assert.equal(await page.getByLabel('Bearer token').getAttribute('aria-invalid'), 'true');

    const forged = stack.adminToken.replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    await page.getByLabel('Bearer token').fill(forged);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('its signature does not verify').waitFor();
    await screenshot(page, '01-sign-in-refused');

    await page.getByLabel('Bearer token').fill(`Bearer ${stack.adminToken}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Migration jobs' }).waitFor();
    assert.equal(await page.locator('#who-name').textContent(), 'local-admin');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    assert.ok(await page.evaluate(() => sessionStorage.getItem('admanager.portal.token')));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(errors.filter((e) => !e.includes('401')), []);
    await close();
  });

  test('a bad form shows the service\'s validation message beside each field', async () => {
    const { page, errors, close } = await openPage(browser);
    await signIn(page);
    await page.getByRole('link', { name: 'New job' }).first().click();
    await page.getByRole('heading', { name: 'New migration job' }).waitFor();
    await fillJobForm(page, { location: 'exports/relative', batchSize: 0, ratio: 2, campaigns: false, catalogs: false });
    await page.getByRole('button', { name: 'Submit job' }).click();

    const location = page.getByLabel('Export directory');
    await page.locator('#f-source-location-error', { hasText: 'absolute' }).waitFor();
    assert.match(await page.locator('#f-options-batchSize-error').textContent(), /between 1 and 10000/);
    assert.match(await page.locator('#f-options-maxRejectedRatio-error').textContent(), /between 0 and 1/);
    assert.match(await page.locator('#f-scope-dataTypes-error').textContent(), /at least one data type/);
    assert.equal(await location.getAttribute('aria-invalid'), 'true');
    assert.ok(await location.evaluate((el) => el === document.activeElement), 'focus moves to the first invalid field');
    await screenshot(page, '02-form-validation');

    // A number that is not one is caught before anything is sent.
    await fillJobForm(page, { location: stack.sampleExport, batchSize: 'many', ratio: 0.05 });
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.locator('#f-options-batchSize-error', { hasText: 'whole number' }).waitFor();
    assert.ok(await page.locator('#f-source-location-error').isHidden());
    assert.deepEqual(errors.filter((e) => !e.includes('400')), []);
    await close();
  });

  test('a submitted job is followed live to its report, whose rejections filter by entity and reason', async () => {
    const { page, errors, close } = await openPage(browser);
    await signIn(page);
    await page.getByRole('link', { name: 'New job' }).first().click();
    await fillJobForm(page, { location: stack.sampleExport, batchSize: 25 });
    await page.getByRole('button', { name: 'Submit job' }).click();

    await page.getByText('Job submitted').waitFor();
    assert.match(page.url(), /#\/jobs\/[0-9a-f-]{36}$/);
    completedJobUrl = page.url();
    await waitForStatus(page, 'Completed with errors');
    const timeline = await page.locator('.timeline .step-name').allTextContents();
    assert.deepEqual(timeline, ['Submitted', 'Extracting', 'Transforming', 'Loading', 'Validating', 'Completed with errors']);
    assert.equal(await page.locator('.big-number').textContent(), '100 %');

    await page.getByRole('heading', { name: 'Validation report' }).waitFor();
    const campaigns = page.locator('.counts-table tbody tr', { has: page.locator('th', { hasText: /^campaigns$/ }) });
    assert.deepEqual(await campaigns.locator('td').allTextContents(), ['32', '0', '1', '1', '30', '30']);
    assert.equal(await page.locator('.chart-row').count(), 4);
    assert.equal(await page.locator('.checks-table tbody tr').count(), 4);
    await page.locator('.rejections-table tbody tr').first().waitFor();
    assert.equal(await page.locator('.rejections-table tbody tr').count(), 3);
    await screenshot(page, '03-job-report');

    await page.getByLabel('Entity', { exact: true }).selectOption('products');
    await page.locator('#rejections-status', { hasText: 'matching' }).waitFor();
    const entities = await page.locator('.rejections-table tbody td[data-label="Entity"]').allTextContents();
    assert.deepEqual(entities, ['products']);
    // The total of a filtered list is the report's own count for it.
    assert.equal(await page.locator('#rejections-status').textContent(), `Showing 1–${entities.length} of ${entities.length} matching.`);
    await page.getByLabel('Reason', { exact: true }).selectOption('invalid_value:gtin');
    await page.locator('.rejections-table tbody td[data-label="Reason"]', { hasText: 'invalid_value:gtin' }).waitFor();
    assert.match(await page.locator('.rejections-table tbody td[data-label="Detail"]').textContent(), /check digit/);

    await page.getByLabel('Entity', { exact: true }).selectOption('campaigns');
    await page.locator('.rejections-table tbody td[data-label="Reason"]', { hasText: 'invalid_value:currency' }).waitFor();
    assert.equal(await page.getByLabel('Reason', { exact: true }).inputValue(), '', 'a reason of another entity is dropped');
    await screenshot(page, '04-rejections-filtered');

    await page.getByRole('link', { name: 'Jobs', exact: true }).first().click();
    const row = page.locator('.jobs-table tbody tr').first();
    await row.locator('.badge', { hasText: 'Completed with errors' }).waitFor();
    assert.equal(await row.locator('[role=progressbar]').getAttribute('aria-valuenow'), '100.0');
    await screenshot(page, '05-job-list');
    assert.deepEqual(errors, []);
    await close();
  });

  test('a running job is cancelled from its page and the report names who cancelled it', async () => {
    const location = slowExport(`cancel${Date.now().toString(36)}`);
    const { page, errors, close } = await openPage(browser);
    await signIn(page);
    await page.getByRole('link', { name: 'New job' }).first().click();
    await fillJobForm(page, { location, batchSize: 1, catalogs: false });
    await page.getByRole('button', { name: 'Submit job' }).click();

    await waitForStatus(page, 'Loading', 120_000);
    await page.locator('[aria-label="Job progress"]').waitFor();
    await screenshot(page, '06-job-running');
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('button', { name: 'Yes, cancel the job' }).click();
    // The page confirms the request until the job stops; a job that reaches its next batch boundary before the
    // cancel call has answered goes straight to Cancelled, so either is the page's answer to the click.
    await page.getByText('Cancel requested').or(page.locator('h1 .badge', { hasText: /^Cancelled$/ })).first().waitFor();
    await waitForStatus(page, 'Cancelled', 60_000);

    await page.getByRole('heading', { name: 'Validation report' }).waitFor();
    const cancelledBy = page.locator('.report-summary div', { has: page.locator('dt', { hasText: 'Cancelled by' }) });
    assert.equal(await cancelledBy.locator('dd').textContent(), 'local-admin');
    assert.equal(await page.getByRole('button', { name: 'Cancel job' }).count(), 0);
    const loaded = Number((await page.locator('.counters div', { hasText: 'Loaded' }).locator('dd').textContent()).replace(/,/g, ''));
    assert.ok(loaded < 12_000, `stopped part-way (${loaded} of 12,000 loaded)`);
    // How far it got, not the 100 % of a finished job; and the report accounts for every record read, the ones the
    // cancel left unloaded in a column of their own.
    assert.notEqual(await page.locator('.big-number').textContent(), '100 %');
    const table = page.locator('.counts-table');
    const headers = (await table.locator('thead th').allTextContents()).slice(1);
    assert.ok(headers.includes('Not loaded (stopped)'), `columns: ${headers.join(', ')}`);
    for (const row of await table.locator('tbody tr').all()) {
      const n = (await row.locator('td').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
      const byHeader = Object.fromEntries(headers.map((header, i) => [header, n[i]]));
      const outcomes = headers.filter((header) => header !== 'Read' && header !== 'Verified');
      assert.equal(outcomes.reduce((sum, header) => sum + byHeader[header], 0), byHeader.Read, `row adds up: ${JSON.stringify(byHeader)}`);
    }
    await screenshot(page, '07-job-cancelled');
    assert.deepEqual(errors, []);
    await close();
  });

  test('the portal works from the keyboard alone', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(stack.url);
    await page.getByLabel('Bearer token').focus();
    await page.keyboard.type(stack.adminToken);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Migration jobs' }).waitFor();

    // The status filter steps through the statuses with the arrow keys: changing it keeps the focus on it.
    await page.getByLabel('Status', { exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'InProgress:Extracting');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'status-filter');
    // Two changes before the first re-render (fast keys on a slow machine): the focus survives both renders.
    await page.evaluate(() => {
      const select = document.getElementById('status-filter');
      for (const value of ['InProgress:Transforming', 'InProgress:Loading']) {
        select.value = value;
        select.dispatchEvent(new Event('change'));
      }
    });
    await page.waitForFunction(() => document.getElementById('status-filter')?.value === 'InProgress:Loading' && location.hash.endsWith('Loading'));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'status-filter');
    await page.getByLabel('Status', { exact: true }).selectOption('');

    // A fresh load: the first Tab reaches the skip link, which moves focus to the content.
    await page.reload();
    await page.locator('.jobs-table tbody tr').first().waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Migration jobs');
    const visited = [];
    for (let i = 0; i < 10 && !visited.at(-1)?.startsWith('…'); i++) {
      await page.keyboard.press('Tab');
      visited.push(await page.evaluate(() => document.activeElement.textContent.trim()));
    }
    assert.ok(visited.at(-1).startsWith('…'), `reached a job link by Tab: ${visited.join(' | ')}`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused link shows a focus ring');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Job …/ }).waitFor();
    assert.match(await page.evaluate(() => document.activeElement.textContent), /^Job …/, 'focus moves to the new page\'s heading');
    await close();
  });

  test('at 390 px nothing needs horizontal scrolling, and a viewer sees no actions', async () => {
    assert.ok(completedJobUrl, 'the report test ran first');
    const { page, errors, close } = await openPage(browser, 390);
    await signIn(page, stack.viewerToken);
    assert.equal(await page.getByRole('link', { name: 'New job' }).count(), 0);
    await page.goto(completedJobUrl);
    await page.locator('.rejections-table tbody tr').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    assert.equal(await page.getByRole('button', { name: 'Cancel job' }).count(), 0);
    await screenshot(page, '08-job-report-390px');

    await page.goto(`${stack.url}#/new`);
    await page.getByText('needs the platform-admin role').waitFor();
    await page.goto(`${stack.url}#/`);
    await page.locator('.jobs-table tbody tr').first().waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await screenshot(page, '09-job-list-390px');
    assert.deepEqual(errors, []);
    await close();
  });
  test('the job list keeps its page in the address: Back from a job opened on page 2 returns to page 2', async () => {
    // Enough jobs for a second page (20 a page): dry runs of the sample export, straight through the API.
    for (let i = 0; i < 21; i++) {
      const response = await fetch(new URL("/admin/data-migration/jobs", stack.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${stack.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ source: { kind: 'file', location: stack.sampleExport }, options: { dryRun: true } }),
      });
      assert.equal(response.status, 202);
    }
    const { page, errors, close } = await openPage(browser);
    await signIn(page);
    await page.locator('.jobs-table tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2').waitFor();
    assert.match(page.url(), /#\/\?page=2$/);
    assert.match(await page.evaluate(() => document.activeElement.id), /^jobs-(older|newer)$/, 'the focus stays on the pager');
    const first = await page.locator('.jobs-table tbody tr a').first().textContent();

    await page.locator('.jobs-table tbody tr a').first().click();
    await page.getByRole('heading', { name: /^Job …/ }).waitFor();
    await page.goBack();
    await page.getByText('Page 2').waitFor();
    assert.equal(await page.locator('.jobs-table tbody tr a').first().textContent(), first);
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.getByText('Page 1').waitFor();
    assert.match(page.url(), /#\/$/);

    // Those dry runs resolved their batches and sent none, and their pages say so.
    await page.locator('.jobs-table tbody tr a').first().click();
    await waitForStatus(page, 'Completed( with errors)?');
    await page.getByText(/^\d+, not sent \(dry run\)$/).waitFor();
    assert.deepEqual(errors, []);
    await close();
  });

  test('an address the portal has no page for says so, and a status it does not know shows as given', async () => {
    const { page, errors, close } = await openPage(browser);
    await signIn(page);
    await page.goto(`${stack.url}#/nonsense`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    assert.equal(await page.locator('.jobs-table').count(), 0, 'no job list under a wrong address');
    await page.getByRole('link', { name: 'All migration jobs' }).click();
    await page.getByRole('heading', { name: 'Migration jobs' }).waitFor();

    await page.goto(`${stack.url}#/?status=Bogus`);
    await page.getByRole('alert').filter({ hasText: 'Could not load the jobs' }).waitFor();
    assert.equal(await page.locator('#status-filter option:checked').textContent(), 'Bogus (unknown)');
    // The API's 400 is the expected answer here; the page reports it and nothing else fails.
    assert.deepEqual(errors.filter((e) => !/400/.test(e)), []);
    await close();
  });
});
