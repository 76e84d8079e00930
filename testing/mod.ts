/**
 * Testing: {@linkcode newFakeCluster}, an in-memory Kubernetes API server behind kubeweb's transport,
 * for unit tests of controllers and tools with no cluster, on every runtime. Its behaviour is checked
 * against a real API server by the conformance suite (`tests/conformance/`).
 *
 * @example
 * ```ts
 * import { newFakeCluster } from "@kubeweb/client/testing";
 * import { newClientset } from "@kubeweb/client/clientset";
 *
 * const cluster = await newFakeCluster();
 * const cs = newClientset(cluster.config, cluster.clientOptions);
 * await cs.coreV1().configMaps("default").create({ metadata: { name: "a" }, data: { k: "v" } });
 * const list = await cs.coreV1().configMaps("default").list();
 * console.log(list.items.length); // 1
 * cluster.close();
 * ```
 *
 * @module
 */
export * from "./fake_cluster.ts";
export * from "./reactors.ts";
