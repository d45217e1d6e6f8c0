// The submit form (step 1 of the sequence): every field maps to a key of the API's 400 `errors`
// map, so the service's own validation messages appear beside the field they concern.
import { submitJob } from '../api.js';
import { h } from '../dom.js';
import { user } from '../session.js';

const FIELDS = [
  'source.kind', 'source.location', 'source.credentialsRef', 'source.schema',
  'scope.merchantIds', 'scope.dataTypes', 'options.batchSize', 'options.dryRun', 'options.maxRejectedRatio',
];

const id = (field) => `f-${field.replace('.', '-')}`;

export function renderSubmit(main, { onSubmitted }) {
  if (!user()?.isAdmin) {
    main.append(h('h1', { tabindex: -1 }, 'New migration job'),
      h('p', { class: 'alert alert-warn' }, 'Submitting jobs needs the platform-admin role; your token has read access only.'));
    return () => {};
  }
  const errorText = new Map(FIELDS.map((f) => [f, h('p', { class: 'field-error', id: `${id(f)}-error`, hidden: true })]));
  const summary = h('div', { class: 'alert alert-bad', role: 'alert', tabindex: -1, hidden: true });
  const field = (name, label, control, hint) => h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id(name) }, label),
    hint ? h('p', { class: 'hint', id: `${id(name)}-hint` }, hint) : null,
    control, errorText.get(name));
  const input = (name, attrs) => h('input', {
    id: id(name), name, 'aria-describedby': `${id(name)}-hint ${id(name)}-error`, ...attrs,
  });

  const kindFile = h('input', { type: 'radio', name: 'kind', id: 'kind-file', value: 'file', checked: true });
  const kindPostgres = h('input', { type: 'radio', name: 'kind', id: 'kind-postgres', value: 'postgres' });
  const location_ = input('source.location', { type: 'text', class: 'mono', placeholder: '/srv/exports/2024-03-01', autocomplete: 'off', spellcheck: 'false' });
  const credentialsRef = input('source.credentialsRef', { type: 'text', class: 'mono', placeholder: 'legacydb', autocomplete: 'off' });
  const schema = input('source.schema', { type: 'text', class: 'mono', value: 'legacy', autocomplete: 'off' });
  const merchants = h('textarea', { id: id('scope.merchantIds'), name: 'merchants', rows: 3, class: 'mono', 'aria-describedby': `${id('scope.merchantIds')}-hint ${id('scope.merchantIds')}-error`, placeholder: 'm-001, m-002' });
  const campaign = h('input', { type: 'checkbox', id: 'type-campaign', value: 'CampaignData', checked: true });
  const catalog = h('input', { type: 'checkbox', id: 'type-catalog', value: 'ProductCatalogData', checked: true });
  const batchSize = input('options.batchSize', { type: 'text', inputmode: 'numeric', value: '1000' });
  const ratio = input('options.maxRejectedRatio', { type: 'text', inputmode: 'decimal', value: '0.05' });
  const dryRun = h('input', { type: 'checkbox', id: id('options.dryRun'), name: 'dryRun' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Submit job');

  const fileFields = h('div', {}, field('source.location', 'Export directory', location_, 'Absolute path of the legacy export on the service\'s file system, under an allowed source root.'));
  const pgFields = h('div', { hidden: true },
    field('source.credentialsRef', 'Credentials reference', credentialsRef, 'The name of a secret configured on the service, never the credentials themselves.'),
    field('source.schema', 'Schema', schema, 'The schema holding the legacy tables.'));
  const syncKind = () => { fileFields.hidden = !kindFile.checked; pgFields.hidden = kindFile.checked; };
  kindFile.addEventListener('change', syncKind);
  kindPostgres.addEventListener('change', syncKind);

  // One key per distinct request: a double click or a retry after a network error cannot create a second job.
  let idempotencyKey = crypto.randomUUID();
  let lastBody = null;

  const form = h('form', { class: 'panel form', novalidate: true, onsubmit: (e) => { e.preventDefault(); send(); } },
    summary,
    h('fieldset', { id: id('source.kind'), 'aria-describedby': `${id('source.kind')}-error` },
      h('legend', {}, 'Source'),
      h('div', { class: 'choices' },
        h('label', { class: 'choice', for: 'kind-file' }, kindFile, ' Export files'),
        h('label', { class: 'choice', for: 'kind-postgres' }, kindPostgres, ' Legacy PostgreSQL database')),
      errorText.get('source.kind'), fileFields, pgFields),
    h('fieldset', {},
      h('legend', {}, 'Scope'),
      field('scope.merchantIds', 'Merchants', merchants, 'Merchant ids separated by commas, spaces or lines. Empty: all merchants.'),
      h('fieldset', { id: id('scope.dataTypes'), class: 'field nested', 'aria-describedby': `${id('scope.dataTypes')}-error`, dataset: { field: 'scope.dataTypes' } },
        h('legend', {}, 'Data types'),
        h('div', { class: 'choices' },
          h('label', { class: 'choice', for: 'type-campaign' }, campaign, ' Campaigns and performance'),
          h('label', { class: 'choice', for: 'type-catalog' }, catalog, ' Product catalogues and products')),
        errorText.get('scope.dataTypes'))),
    h('fieldset', {},
      h('legend', {}, 'Options'),
      h('div', { class: 'field-row' },
        field('options.batchSize', 'Batch size', batchSize, 'Records per load batch, 1 to 10,000.'),
        field('options.maxRejectedRatio', 'Reject ratio', ratio, 'Largest share of rejected records (0 to 1) before the job fails without loading.')),
      h('div', { class: 'field', dataset: { field: 'options.dryRun' } },
        h('label', { class: 'choice', for: id('options.dryRun') }, dryRun, ' Dry run: extract, transform and report, write nothing'),
        errorText.get('options.dryRun'))),
    h('div', { class: 'actions' }, submit, h('a', { href: '#/', class: 'button button-quiet' }, 'Back to jobs')));

  const numberOrRaw = (text, parse) => {
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    const value = parse(trimmed);
    return Number.isFinite(value) && String(value) !== 'NaN' ? value : trimmed;
  };

  const buildBody = () => ({
    source: kindFile.checked
      ? { kind: 'file', location: location_.value.trim() }
      : { kind: 'postgres', credentialsRef: credentialsRef.value.trim(), schema: schema.value.trim() || undefined },
    scope: {
      merchantIds: merchants.value.split(/[\s,;]+/).filter(Boolean),
      dataTypes: [campaign, catalog].filter((c) => c.checked).map((c) => c.value),
    },
    options: {
      batchSize: numberOrRaw(batchSize.value, (t) => (/^[+-]?\d+$/.test(t) ? Number(t) : NaN)),
      dryRun: dryRun.checked,
      maxRejectedRatio: numberOrRaw(ratio.value, (t) => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN)),
    },
  });

  const showErrors = (errors, detail) => {
    for (const [name, p] of errorText) {
      const messages = errors[name] ?? [];
      p.textContent = messages.join(' ');
      p.hidden = messages.length === 0;
      form.querySelector(`#${CSS.escape(id(name))}`)?.setAttribute('aria-invalid', messages.length ? 'true' : 'false');
    }
    const unplaced = Object.entries(errors).filter(([name]) => !errorText.has(name));
    const listed = Object.entries(errors).map(([name, messages]) => h('li', {},
      errorText.has(name) ? h('a', { href: `#${id(name)}`, onclick: (e) => { e.preventDefault(); focusField(name); } }, messages.join(' ')) : `${name}: ${messages.join(' ')}`));
    summary.replaceChildren(h('strong', {}, detail ?? 'The job was not submitted.'), ...(listed.length ? [h('ul', {}, listed)] : []));
    summary.hidden = false;
    if (unplaced.length === 0 && Object.keys(errors).length > 0) focusField(Object.keys(errors)[0]);
    else summary.focus();
  };

  const focusField = (name) => {
    const target = form.querySelector(`#${CSS.escape(id(name))}`);
    const control = target?.matches('fieldset') ? target.querySelector('input') : target;
    control?.focus();
  };

  const send = async () => {
    // Numbers that do not parse are said at once; everything else is the service's to judge.
    const body = buildBody();
    const local = {};
    if (typeof body.options.batchSize === 'string') local['options.batchSize'] = ['Enter a whole number.'];
    if (typeof body.options.maxRejectedRatio === 'string') local['options.maxRejectedRatio'] = ['Enter a number such as 0.05.'];
    if (Object.keys(local).length) return showErrors(local, 'Some fields need a number.');

    const text = JSON.stringify(body);
    if (text !== lastBody) { idempotencyKey = crypto.randomUUID(); lastBody = text; }
    submit.disabled = true;
    submit.textContent = 'Submitting…';
    try {
      const accepted = await submitJob(body, idempotencyKey);
      onSubmitted(accepted.jobId);
    } catch (error) {
      if (error.status === 429) showErrors({}, `Too many submissions: ${error.problem.detail ?? ''}`);
      else if (error.status === 0) showErrors({}, 'The service did not answer, so the job may or may not have been created. Submitting this form again is safe: it reuses its idempotency key, so it cannot create a second job.');
      else showErrors(error.errors ?? {}, error.problem?.detail ?? error.message);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Submit job';
    }
  };

  main.append(h('h1', { tabindex: -1 }, 'New migration job'),
    h('p', { class: 'lede' }, 'The service answers at once with a job id; the job page then follows it through every phase.'),
    form);
  return () => {};
}
