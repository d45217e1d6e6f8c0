// Offline validation of rendered objects against the Kubernetes OpenAPI schemas that the
// kubernetes-models package compiles (types, required fields, enums, formats).
const cache = new Map();

async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (!cache.has(key)) {
    // "v1" is the core group (kubernetes-models/v1/Service); "apps/v1" a named one.
    const path = `kubernetes-models/${apiVersion}/${kind}`;
    cache.set(key, import(path).then((m) => m[kind]).catch(() => undefined));
  }
  return cache.get(key);
}

/** Throws with every schema violation of the object, or when its kind is unknown. */
export async function validateObject(obj) {
  if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    throw new Error("object without apiVersion/kind");
  }
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  // The model constructor fills in apiVersion/kind; validate() checks the whole tree.
  new Model(structuredClone(obj)).validate();
}

export const describe = (obj) => `${obj.kind}/${obj.metadata?.name ?? "?"}`;
