// Renders a kustomize overlay with `kubectl kustomize` and parses the YAML stream.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const kustomizeRoot = join(repoRoot, "deploy", "kubernetes");
export const overlays = ["dev", "prod"];

export function render(dir) {
  const text = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return parseStream(text);
}

export function parseStream(text) {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((doc) => doc !== null);
}

export const renderOverlay = (name) => render(join(kustomizeRoot, "overlays", name));

export const readRepoFile = (...parts) => readFileSync(join(repoRoot, ...parts), "utf8");
