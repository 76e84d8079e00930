/**
 * Background garbage collection by ownerReferences (the garbage collector controller, optional), and
 * the namespace controller's deletion of a terminating namespace's contents:
 * when an object is deleted, its dependents whose every owner is gone are deleted too; objects with
 * the `orphan` finalizer have the references to them removed from their dependents instead, and
 * `foregroundDeletion` waits for dependents with blockOwnerDeletion before removing the owner.
 *
 * @module
 */
import type { ApiServer } from "./_api_server.ts";
import type { ServedResource } from "./_resources.ts";
import type { Obj } from "./_store.ts";
import { storageKey } from "./_resources.ts";

/** Installs the garbage collector on a server. */
export function installGarbageCollector(server: ApiServer): void {
  const previous = server.onChange;
  let running = false;
  const pending: { type: string; obj: Obj }[] = [];
  const uidExists = (uid: string) => {
    for (const r of server.table.all()) {
      for (const o of server.store.list(storageKey(r))) if (o.metadata.uid === uid) return true;
    }
    return false;
  };
  const dependentsOf = (uid: string): { r: ServedResource; o: Obj }[] => {
    const seen = new Set<string>();
    const out: { r: ServedResource; o: Obj }[] = [];
    for (const r of server.table.all()) {
      const k = storageKey(r);
      if (seen.has(k) || !r.verbs.includes("delete")) continue;
      seen.add(k);
      for (const o of server.store.list(k)) {
        if ((o.metadata.ownerReferences ?? []).some((ref: Obj) => ref.uid === uid)) out.push({ r, o });
      }
    }
    return out;
  };
  const process = (type: string, obj: Obj) => {
    const uid = obj.metadata?.uid;
    if (type === "DELETED") {
      for (const { r, o } of dependentsOf(uid)) {
        const alive = (o.metadata.ownerReferences ?? []).some((ref: Obj) =>
          ref.uid !== uid && uidExists(ref.uid)
        );
        if (!alive) {
          try {
            server.deleteObject(r, o.metadata.namespace, o.metadata.name, {
              propagationPolicy: "Background",
            });
          } catch { /* already gone */ }
        } else {
          // other owners live on: the reference to the deleted one is removed
          o.metadata.ownerReferences = o.metadata.ownerReferences.filter((ref: Obj) => ref.uid !== uid);
          const stored = server.store.put(storageKey(r), o);
          server.onChange?.(r, "MODIFIED", stored);
        }
      }
      return;
    }
    const fin: string[] = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp === undefined) return;
    if (obj.kind === "Namespace" && obj.apiVersion === "v1") {
      // the namespace controller: delete everything in it, then the namespace once nothing is left
      const name = obj.metadata.name;
      let left = 0;
      const seen = new Set<string>();
      for (const r of server.table.all()) {
        const k = storageKey(r);
        if (!r.namespaced || seen.has(k) || !r.verbs.includes("delete")) continue;
        seen.add(k);
        for (const o of server.store.list(k, name)) {
          try {
            const { deleted } = server.deleteObject(r, name, o.metadata.name, {
              propagationPolicy: "Background",
            });
            if (!deleted) left++;
          } catch { /* gone */ }
        }
      }
      if (left === 0) server.finalizeNamespace(name);
      return;
    }
    const selfR = server.table.byKind(obj.apiVersion, obj.kind);
    if (!selfR) return;
    if (fin.includes("orphan")) {
      for (const { r, o } of dependentsOf(uid)) {
        o.metadata.ownerReferences = o.metadata.ownerReferences.filter((ref: Obj) => ref.uid !== uid);
        if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        server.store.put(storageKey(r), o);
      }
      removeFinalizer(server, selfR, obj, "orphan");
    } else if (fin.includes("foregroundDeletion")) {
      const deps = dependentsOf(uid);
      for (const { r, o } of deps) {
        try {
          server.deleteObject(r, o.metadata.namespace, o.metadata.name, { propagationPolicy: "Foreground" });
        } catch { /* gone */ }
      }
      if (dependentsOf(uid).length === 0) removeFinalizer(server, selfR, obj, "foregroundDeletion");
    }
  };
  server.onChange = (r, type, obj) => {
    previous?.(r, type, obj);
    pending.push({ type, obj: server.serve(r, obj) });
    if (running) return;
    running = true;
    queueMicrotask(() => {
      try {
        while (pending.length > 0) {
          const { type, obj } = pending.shift()!;
          process(type, obj);
          // a dependent removed in the foreground: let its owner finish
          if (type === "DELETED") {
            for (const ref of obj.metadata?.ownerReferences ?? []) {
              for (const r of server.table.all()) {
                for (const o of server.store.list(storageKey(r))) {
                  if (o.metadata.uid === ref.uid && o.metadata.deletionTimestamp !== undefined) {
                    process("MODIFIED", server.serve(r, o));
                  }
                }
              }
            }
          }
        }
      } finally {
        running = false;
      }
    });
  };
}

function removeFinalizer(server: ApiServer, r: ServedResource, obj: Obj, finalizer: string): void {
  const live = server.store.get(storageKey(r), obj.metadata.namespace ?? "", obj.metadata.name);
  if (!live) return;
  live.metadata.finalizers = (live.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
  if (live.metadata.finalizers.length === 0) {
    const gone = server.store.remove(storageKey(r), live);
    server.onChange?.(r, "DELETED", gone);
  } else server.store.put(storageKey(r), live);
}
