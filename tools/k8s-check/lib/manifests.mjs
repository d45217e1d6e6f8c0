// Helpers over a rendered overlay: find objects, resolve a container's effective environment.
export const ofKind = (docs, kind) => docs.filter((d) => d.kind === kind);

export function single(docs, kind) {
  const found = ofKind(docs, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

export const silo = (docs) => single(docs, "Deployment");
export const container = (deployment) => deployment.spec.template.spec.containers[0];

/** The container's env entries by name (explicit env only). */
export const envByName = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));

/** The ConfigMap the container takes env from (envFrom), from the rendered docs. */
export function envConfigMap(docs, c) {
  const refs = (c.envFrom ?? []).filter((e) => e.configMapRef).map((e) => e.configMapRef.name);
  if (refs.length !== 1) throw new Error(`expected one envFrom ConfigMap, found ${refs.length}`);
  const map = ofKind(docs, "ConfigMap").find((m) => m.metadata.name === refs[0]);
  if (!map) throw new Error(`envFrom ConfigMap ${refs[0]} is not in the rendered manifests`);
  return map;
}

/** A configuration value as the process sees it: explicit env wins over envFrom. */
export function effectiveValue(docs, c, name) {
  const explicit = envByName(c)[name];
  if (explicit) {
    if ("value" in explicit) return explicit.value;
    const ref = explicit.valueFrom?.configMapKeyRef;
    if (ref) return ofKind(docs, "ConfigMap").find((m) => m.metadata.name === ref.name)?.data?.[ref.key];
    return undefined;
  }
  return envConfigMap(docs, c).data?.[name];
}

/** .NET TimeSpan text ([d.]hh:mm:ss) to seconds. */
export function timeSpanSeconds(text) {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text ?? "");
  if (!match) throw new Error(`not a TimeSpan: ${text}`);
  const [, days = "0", h, m, s] = match;
  return Number(days) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
}

export const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
