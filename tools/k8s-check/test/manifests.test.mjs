// The rendered overlays: valid against the Kubernetes schemas, and the operational invariants the
// service relies on (docs/operations.md). Run by ./test.sh (node --test).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { overlays, parseStream, renderOverlay } from "../lib/render.mjs";
import { validateObject, describe as name } from "../lib/validate.mjs";
import {
  container, effectiveValue, envByName, envConfigMap, matches, ofKind, silo, single, timeSpanSeconds,
} from "../lib/manifests.mjs";

test("the validator rejects a manifest that breaks the schema", async () => {
  const [bad] = parseStream(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: x }
spec:
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec:
      containers: [{ name: c, image: i, ports: [{ containerPort: http }] }]
`);
  await assert.rejects(validateObject(bad), /containerPort must be integer/);
  await assert.rejects(validateObject({ apiVersion: "v1", kind: "NoSuchKind", metadata: { name: "x" } }), /no schema/);
});

// The configuration sections the service binds, read from its source (`Section = "Jobs"`, `"Sources:File"`, ...), and
// the ones ASP.NET Core itself reads. A key under any other section is read by nothing: a typo or a renamed option.
const sourceRoot = new URL("../../../src", import.meta.url).pathname;
const csFiles = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? (/^(bin|obj)$/.test(e.name) ? [] : csFiles(join(dir, e.name))) : e.name.endsWith(".cs") ? [join(dir, e.name)] : []);
const boundSections = [...new Set(csFiles(sourceRoot).flatMap((f) =>
  [...readFileSync(f, "utf8").matchAll(/\b(?:Configuration)?Section\s*=\s*"([A-Za-z:]+)"/g)].map((m) => m[1])))];
const frameworkSections = ["ConnectionStrings", "Logging"];

test("the service's configuration sections are found in its source", () => {
  for (const section of ["Auth", "Jobs", "Orleans", "DynamoDb", "Sources:File"]) assert.ok(boundSections.includes(section), section);
});

for (const overlay of overlays) {
  describe(`overlay ${overlay}`, () => {
    const docs = renderOverlay(overlay);
    const deployment = silo(docs);
    const pod = deployment.spec.template.spec;
    const c = container(deployment);
    const env = envByName(c);
    const value = (key) => effectiveValue(docs, c, key);

    test("every rendered object validates against its Kubernetes schema", async () => {
      assert.ok(docs.length >= 6, `only ${docs.length} objects rendered`);
      for (const doc of docs) {
        await assert.doesNotReject(validateObject(doc), `${name(doc)} is invalid`);
      }
    });

    test("every namespaced object is in the overlay's namespace", () => {
      const namespaces = new Set(docs.map((d) => d.metadata.namespace));
      assert.equal(namespaces.size, 1);
      assert.ok([...namespaces][0], "no namespace set");
    });

    test("silos run in cluster mode, named after the pod and advertising the pod IP", () => {
      assert.deepEqual(env.POD_NAME?.valueFrom?.fieldRef?.fieldPath, "metadata.name");
      assert.deepEqual(env.POD_NAMESPACE?.valueFrom?.fieldRef?.fieldPath, "metadata.namespace");
      assert.deepEqual(env.POD_IP?.valueFrom?.fieldRef?.fieldPath, "status.podIP");
      assert.equal(env.Orleans__Mode?.value, "Cluster");
      assert.equal(env.Orleans__SiloName?.value, "$(POD_NAME)");
      assert.equal(env.Orleans__AdvertisedIP?.value, "$(POD_IP)");
      // $(VAR) expands only for variables defined earlier in the list.
      const order = c.env.map((e) => e.name);
      assert.ok(order.indexOf("POD_NAME") < order.indexOf("Orleans__SiloName"));
      assert.ok(order.indexOf("POD_IP") < order.indexOf("Orleans__AdvertisedIP"));
      assert.match(value("ORLEANS_SERVICE_ID") ?? "", /^admanager-/);
      assert.match(value("ORLEANS_CLUSTER_ID") ?? "", new RegExp(`^admanager-${overlay}$`));
    });

    test("silo and gateway ports are container ports matching the configuration", () => {
      const ports = Object.fromEntries(c.ports.map((p) => [p.name, p.containerPort]));
      assert.equal(ports.silo, Number(value("Orleans__SiloPort")));
      assert.equal(ports.gateway, Number(value("Orleans__GatewayPort")));
      assert.equal(ports.http, 8080);
      const service = single(docs, "Service");
      assert.deepEqual(service.spec.ports.map((p) => p.targetPort), ["http"], "only HTTP is behind the Service");
      assert.ok(matches(service.spec.selector, deployment.spec.template.metadata.labels), "Service selects the silo pods");
    });

    test("probes: startup and liveness on /health/live, readiness on /health/ready", () => {
      assert.equal(c.startupProbe?.httpGet?.path, "/health/live");
      assert.equal(c.livenessProbe?.httpGet?.path, "/health/live");
      assert.equal(c.readinessProbe?.httpGet?.path, "/health/ready");
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) assert.equal(probe.httpGet.port, "http");
      // The readiness check waits up to 5 s for a grain call: the probe must wait longer.
      assert.ok(c.readinessProbe.timeoutSeconds > 5);
    });

    test("the grace period outlasts the silo's shutdown timeout", () => {
      const shutdown = timeSpanSeconds(value("Orleans__ShutdownTimeout") ?? "00:02:00");
      const preStop = c.lifecycle?.preStop ? 5 : 0;
      assert.ok(pod.terminationGracePeriodSeconds >= shutdown + preStop + 10,
        `grace ${pod.terminationGracePeriodSeconds}s vs shutdown ${shutdown}s + preStop ${preStop}s`);
    });

    test("rolling updates never take a silo away before its replacement is ready", () => {
      assert.equal(deployment.spec.strategy.type, "RollingUpdate");
      assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0);
      assert.ok(deployment.spec.strategy.rollingUpdate.maxSurge >= 1);
      assert.ok(deployment.spec.replicas >= 2, "a cluster needs at least two silos");
    });

    test("a PodDisruptionBudget covers the silos", () => {
      const pdb = single(docs, "PodDisruptionBudget");
      assert.ok(matches(pdb.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
      assert.ok(pdb.spec.maxUnavailable !== undefined || pdb.spec.minAvailable !== undefined);
      assert.ok(pdb.spec.maxUnavailable === undefined || pdb.spec.maxUnavailable < deployment.spec.replicas);
    });

    test("requests and limits are set for CPU and memory", () => {
      for (const kind of ["requests", "limits"]) {
        assert.ok(c.resources?.[kind]?.cpu, `${kind}.cpu`);
        assert.ok(c.resources?.[kind]?.memory, `${kind}.memory`);
      }
    });

    test("least privilege: own service account, no token, no RBAC", () => {
      const account = single(docs, "ServiceAccount");
      assert.equal(pod.serviceAccountName, account.metadata.name);
      assert.equal(account.automountServiceAccountToken, false);
      assert.equal(pod.automountServiceAccountToken, false);
      for (const kind of ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]) assert.equal(ofKind(docs, kind).length, 0, kind);
    });

    test("non-root, read-only root filesystem with /tmp on an emptyDir, no capabilities", () => {
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(pod.securityContext.runAsUser > 0);
      const sc = c.securityContext;
      assert.equal(sc.readOnlyRootFilesystem, true);
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.deepEqual(sc.capabilities.drop, ["ALL"]);
      assert.equal(sc.capabilities.add, undefined);
      const tmp = c.volumeMounts.find((m) => m.mountPath === "/tmp");
      assert.ok(tmp, "/tmp is mounted");
      assert.ok(pod.volumes.find((v) => v.name === tmp.name)?.emptyDir, "/tmp is an emptyDir");
    });

    test("configuration comes from the ConfigMap, secrets only from Secrets", () => {
      assert.equal(value("Orleans__Mode"), "Cluster");
      assert.ok(value("Logging__Console__FormatterName") === "json", "JSON logs in the cluster");
      const secretish = /password|secret|token|connection|signing|credential|accesskey/i;
      for (const e of c.env) {
        if (secretish.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef, `${e.name} must come from a Secret`);
      }
      for (const map of ofKind(docs, "ConfigMap")) {
        for (const [key, v] of Object.entries(map.data ?? {})) {
          assert.ok(!secretish.test(key) || /Directory$/.test(key), `ConfigMap key ${key} looks like a secret`);
          assert.doesNotMatch(String(v), /password=/i, `ConfigMap value of ${key}`);
        }
      }
      assert.equal(env.ConnectionStrings__Postgres?.valueFrom?.secretKeyRef?.optional, undefined, "PostgreSQL is required");
      const sources = pod.volumes.find((v) => v.secret)?.secret;
      assert.ok(sources, "source credentials are a mounted Secret");
      const mount = c.volumeMounts.find((m) => pod.volumes.find((v) => v.name === m.name)?.secret);
      assert.equal(mount.readOnly, true);
      assert.equal(value("SecretStore__Directory"), mount.mountPath);
      assert.equal(ofKind(docs, "Secret").length, 0, "no Secret objects in the manifests");
    });

    test("every setting is under a section the service reads", () => {
      const keys = [...c.env.map((e) => e.name), ...Object.keys(envConfigMap(docs, c).data ?? {})].filter((k) => k.includes("__"));
      assert.ok(keys.length > 10, `only ${keys.length} settings`);
      for (const key of keys) {
        const path = key.replaceAll("__", ":");
        const known = [...boundSections, ...frameworkSections].some((section) => path.startsWith(`${section}:`));
        assert.ok(known, `${key} is under no section the service binds (${boundSections.join(", ")})`);
      }
    });

    test("bearer tokens can be validated: an OIDC authority, or an issuer and a signing key from a Secret", () => {
      const authority = value("Auth__Authority");
      if (authority) {
        assert.match(authority, /^https:\/\/[^/\s]+/, "the authority's discovery document over HTTPS");
        // The service refuses to start with both (a shared key would mint tokens beside the identity provider).
        const keys = [...c.env.map((e) => e.name), ...Object.keys(envConfigMap(docs, c).data ?? {})].filter((k) => /^Auth__SigningKey/.test(k));
        assert.deepEqual(keys, [], "no symmetric signing key beside an authority");
      } else {
        assert.ok(value("Auth__Issuer"), "Auth__Issuer is required without Auth__Authority");
        const key = env.Auth__SigningKeys__0?.valueFrom?.secretKeyRef;
        assert.ok(key && !key.optional, "a signing key from a Secret is required without Auth__Authority");
      }
      assert.equal(value("Auth__Audience") ?? "admanager-migration", "admanager-migration");
    });
  });
}

test("dev and prod are separate Orleans clusters of the same service", () => {
  const ids = overlays.map((o) => {
    const docs = renderOverlay(o);
    const c = container(silo(docs));
    return [effectiveValue(docs, c, "ORLEANS_SERVICE_ID"), effectiveValue(docs, c, "ORLEANS_CLUSTER_ID"), silo(docs).metadata.namespace];
  });
  assert.equal(ids[0][0], ids[1][0]);
  assert.notEqual(ids[0][1], ids[1][1]);
  assert.notEqual(ids[0][2], ids[1][2]);
});

test("prod runs three silos from a pinned image", () => {
  const deployment = silo(renderOverlay("prod"));
  assert.ok(deployment.spec.replicas >= 3);
  assert.match(container(deployment).image, /:\d+\.\d+\.\d+$/);
});
