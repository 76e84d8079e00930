/**
 * Watch decoding throughput against its bound, in one run:
 *
 *   deno bench rest/watch_decoder_bench.ts
 *
 * A recorded-like watch stream of 100,000 events (pod- and configmap-like objects of about 1-2 KB,
 * one per line as the API server writes them, a few with non-ASCII text) is fed to
 * `decodeWatchStream` in awkward chunk sizes (odd sizes from 1,001 to 16,999 bytes, so chunks split
 * frames and multi-byte characters). The bound is `JSON.parse` of the same frames, already split,
 * from strings. The target is decoding at >= 0.85x the bound's throughput; `deno bench` prints the
 * ratio of the two times in the group summary (the bound is the baseline).
 */
import { decodeWatchStream } from "./watch_decoder.ts";
import { seededRandom } from "../_internal/seeded_random.ts";

const EVENTS = 100_000;

const rand = seededRandom(20260101);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");
const uid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
const APPS = ["web", "api", "worker", "cache", "ingest", "billing", "search", "auth"] as const;
const NAMESPACES = ["default", "prod", "staging", "kube-system", "monitoring"] as const;
const NOTES = [
  "owner: team-a",
  "Überwachung aktiv",
  "負荷試験用",
  "café-au-lait",
  "plain ascii note",
] as const;

function pod(i: number, rv: number): unknown {
  const app = pick(APPS);
  const name = `${app}-${hex(10)}-${hex(5)}`;
  const ns = pick(NAMESPACES);
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata: {
      name,
      generateName: `${app}-${hex(10)}-`,
      namespace: ns,
      uid: uid(),
      resourceVersion: String(rv),
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: { app, "pod-template-hash": hex(10), tier: pick(["frontend", "backend"]) },
      annotations: i % 50 === 0 ? { note: pick(NOTES) } : { "prometheus.io/scrape": "true" },
      ownerReferences: [{
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: `${app}-${hex(10)}`,
        uid: uid(),
        controller: true,
        blockOwnerDeletion: true,
      }],
    },
    spec: {
      containers: [{
        name: app,
        image: `registry.example.com/${app}:1.${i % 20}.${i % 7}`,
        ports: [{ containerPort: 8080, protocol: "TCP" }],
        env: [{ name: "LOG_LEVEL", value: "info" }, { name: "REGION", value: "eu-west-1" }],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
        volumeMounts: [{
          name: "kube-api-access",
          mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
        }],
        terminationMessagePath: "/dev/termination-log",
        imagePullPolicy: "IfNotPresent",
      }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      nodeName: `node-${i % 13}`,
      tolerations: [{
        key: "node.kubernetes.io/not-ready",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      }],
    },
    status: {
      phase: pick(["Pending", "Running", "Running", "Running", "Succeeded"]),
      conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({
        type,
        status: "True",
        lastTransitionTime: "2026-01-01T00:00:05Z",
      })),
      hostIP: `10.0.${i % 250}.${(i * 7) % 250}`,
      podIP: `10.244.${i % 250}.${(i * 3) % 250}`,
      startTime: "2026-01-01T00:00:01Z",
      qosClass: "Burstable",
    },
  };
}

function configMap(i: number, rv: number): unknown {
  const data: Record<string, string> = {};
  for (let k = 0; k < 4; k++) {
    data[`key-${k}.properties`] = `setting.${k}=${hex(40)}\nline="quoted {braces}"\n`;
  }
  return {
    kind: "ConfigMap",
    apiVersion: "v1",
    metadata: {
      name: `cm-${i}`,
      namespace: pick(NAMESPACES),
      uid: uid(),
      resourceVersion: String(rv),
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: { app: pick(APPS) },
      annotations: i % 50 === 1 ? { note: pick(NOTES) } : {},
    },
    data,
  };
}

const frames: string[] = [];
for (let i = 0; i < EVENTS; i++) {
  const rv = 1000 + i;
  if (i % 1000 === 999) {
    frames.push(
      JSON.stringify({
        type: "BOOKMARK",
        object: { kind: "Pod", metadata: { resourceVersion: String(rv) } },
      }),
    );
    continue;
  }
  const type = pick(["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED"]);
  frames.push(JSON.stringify({ type, object: i % 4 === 0 ? configMap(i, rv) : pod(i, rv) }));
}
const bytes = new TextEncoder().encode(frames.join("\n") + "\n");
const chunks: Uint8Array[] = [];
for (let at = 0; at < bytes.length;) {
  const size = 1001 + 2 * Math.floor(rand() * 8000); // odd, 1,001 .. 16,999
  chunks.push(bytes.slice(at, at + size));
  at += size;
}
const mb = (bytes.length / 1e6).toFixed(1);

function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]);
      else controller.close();
    },
  });
}

Deno.bench({
  name: `bound: JSON.parse of ${EVENTS} split frames (${mb} MB)`,
  group: "watch",
  baseline: true,
  n: 8,
  warmup: 2,
  fn() {
    let n = 0;
    for (const f of frames) if ((JSON.parse(f) as { type: string }).type) n++;
    if (n !== EVENTS) throw new Error(`parsed ${n} events`);
  },
});

Deno.bench({
  name: `decodeWatchStream over ${chunks.length} chunks of 1-17 KB`,
  group: "watch",
  n: 8,
  warmup: 2,
  async fn() {
    let n = 0;
    for await (const e of decodeWatchStream(streamOf(chunks))) if (e.type) n++;
    if (n !== EVENTS) throw new Error(`decoded ${n} events`);
  },
});
