// Tiny DOM helpers. Everything from the API reaches the page as text nodes or attributes,
// never as HTML, so job data cannot inject markup.

/** Creates an element: h('a', { href, class: 'x', onclick }, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Sets text only when it changed (keeps screen readers and selection calm during live updates). */
export function setText(el, text) {
  const value = String(text);
  if (el.textContent !== value) el.textContent = value;
}

/** A progress bar: a div with role=progressbar, updated with setProgress. */
export function progressBar(label, { large = false } = {}) {
  const fill = h('div', { class: 'bar-fill' });
  const bar = h('div', { class: large ? 'bar bar-large' : 'bar', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, fill);
  return bar;
}

export function setProgress(bar, percent, state) {
  const value = Math.max(0, Math.min(100, percent ?? 0));
  bar.setAttribute('aria-valuenow', value.toFixed(1));
  bar.setAttribute('aria-valuetext', `${value.toFixed(value >= 100 || value === 0 ? 0 : 1)} percent`);
  bar.dataset.state = state ?? '';
  bar.firstChild.style.width = `${value}%`;
}
