// Static checks of the image definition (no Docker engine here to build it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { readRepoFile, renderOverlay } from "../lib/render.mjs";
import { container, silo } from "../lib/manifests.mjs";

/** Instructions with line continuations joined, comments dropped. */
function instructions(text) {
  return text.replace(/\\\r?\n/g, " ").split(/\r?\n/)
    .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    .map((l) => { const [op, ...rest] = l.split(/\s+/); return { op: op.toUpperCase(), args: rest.join(" ") }; });
}

const dockerfile = instructions(readRepoFile("Dockerfile"));
const stages = [];
for (const i of dockerfile) {
  if (i.op === "FROM") stages.push({ from: i.args, body: [] });
  else if (stages.length) stages.at(-1).body.push(i);
}
const final = stages.at(-1);

test("multi-stage: the .NET 10 SDK builds, the ASP.NET Core 10 runtime runs", () => {
  assert.ok(stages.length >= 2);
  const args = Object.fromEntries(dockerfile.filter((i) => i.op === "ARG").map((i) => i.args.split("=")));
  const image = (s) => s.from.split(/\s+/)[0].replace(/\$\{(\w+)\}/g, (_, k) => args[k]);
  assert.match(image(stages[0]), /^mcr\.microsoft\.com\/dotnet\/sdk:10\.0/);
  assert.match(image(final), /^mcr\.microsoft\.com\/dotnet\/aspnet:10\.0/);
  assert.ok(final.body.some((i) => i.op === "COPY" && /--from=build/.test(i.args)), "the runtime stage copies the build output");
  assert.ok(!final.body.some((i) => i.op === "RUN" && /dotnet (build|publish|restore)/.test(i.args)), "no build in the runtime stage");
});

test("the runtime stage runs as a non-root user, by number", () => {
  const users = final.body.filter((i) => i.op === "USER");
  assert.equal(users.length, 1);
  assert.doesNotMatch(users[0].args, /^(root|0)(:|$)/);
  // $APP_UID is the aspnet image's "app" user (1654); the pod's securityContext names the same UID.
  assert.match(users[0].args, /^(\$APP_UID|\$\{APP_UID\}|[1-9]\d*)$/);
  const pod = silo(renderOverlay("prod")).spec.template.spec;
  assert.equal(pod.securityContext.runAsUser, 1654);
});

test("no HEALTHCHECK: Kubernetes probes the health endpoints", () => {
  assert.ok(!dockerfile.some((i) => i.op === "HEALTHCHECK"));
});

test("exposed ports are the ones the pod declares", () => {
  const exposed = final.body.filter((i) => i.op === "EXPOSE").flatMap((i) => i.args.split(/\s+/)).map((p) => Number(p.split("/")[0]));
  const declared = container(silo(renderOverlay("prod"))).ports.map((p) => p.containerPort);
  assert.deepEqual([...exposed].sort(), [...declared].sort());
});

test("the entry point is the API assembly, and JSON logs are the container default", () => {
  const entry = final.body.find((i) => i.op === "ENTRYPOINT");
  assert.deepEqual(JSON.parse(entry.args), ["dotnet", "AdManager.Api.dll"]);
  assert.match(readRepoFile("src", "Api", "Api.csproj"), /<AssemblyName>AdManager\.Api<\/AssemblyName>/);
  assert.ok(final.body.some((i) => i.op === "ENV" && /Logging__Console__FormatterName=json/.test(i.args)));
});

test(".dockerignore keeps local data and build output out of the context", () => {
  const lines = readRepoFile(".dockerignore").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  assert.equal(lines[0], "**", "deny everything first");
  assert.ok(!lines.some((l) => /^!\.data/.test(l)));
  assert.ok(lines.includes("src/**/bin/") && lines.includes("src/**/obj/"));
});
