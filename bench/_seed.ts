/**
 * The bench's fixed data set: `count` ConfigMaps `cm-<i>` of about 1.3 KB each (as the server returns
 * them) in one namespace, created once (the ones present are kept).
 *
 * @module
 */
import type { Clientset } from "../clientset/clientset.ts";
import { isAlreadyExists } from "../rest/errors.ts";

/** About 1 KB of deterministic text for a ConfigMap's data. */
export function payload(i: number): Record<string, string> {
  const line = (n: number) => `setting_${n}: value-${((i * 7919 + n * 104729) % 1_000_003).toString(36)}`;
  return {
    "app.properties": Array.from({ length: 36 }, (_, n) => line(n)).join("\n"),
    "owner": `team-${i % 17}`,
  };
}

/** Creates the missing ConfigMaps `cm-0` .. `cm-<count-1>` in `namespace`; resolves with how many it made. */
export async function ensureConfigMaps(cs: Clientset, namespace: string, count: number): Promise<number> {
  await cs.coreV1().namespaces().create({ metadata: { name: namespace } }).catch((e) => {
    if (!isAlreadyExists(e)) throw e;
  });
  const client = cs.coreV1().configMaps(namespace);
  const existing = new Set<string>();
  for await (const page of client.listPages({ limit: 5000 })) {
    for (const o of page.items) existing.add(o.metadata?.name ?? "");
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!existing.has(`cm-${i}`)) missing.push(i);
  let next = 0;
  await Promise.all(Array.from({ length: 48 }, async () => {
    while (next < missing.length) {
      const i = missing[next++];
      await client.create({
        metadata: { name: `cm-${i}`, labels: { app: `app-${i % 50}` } },
        data: payload(i),
      })
        .catch((e) => {
          if (!isAlreadyExists(e)) throw e;
        });
    }
  }));
  return missing.length;
}
