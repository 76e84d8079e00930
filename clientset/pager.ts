/**
 * Paginated listing (client-go's `tools/pager`): follow continue tokens page by page, and when a
 * continue token has expired (410), fall back to one full list as client-go's pager does.
 *
 * @module
 */
import { isResourceExpired } from "../rest/errors.ts";
import type { KubeList, KubeObject } from "../rest/types.ts";
import type { ListOptions } from "./options.ts";

/** The default page size (client-go's pager uses 500). */
export const DEFAULT_PAGE_SIZE: number = 500;

/** Options of {@linkcode listPages} and {@linkcode listItems}: list options plus paging behaviour. */
export interface ListPagesOptions extends ListOptions {
  /** Page size (`limit` of each request); default {@linkcode DEFAULT_PAGE_SIZE}. */
  limit?: number;
  /**
   * When a continue token has expired (410 Expired): list everything again in one unpaginated request
   * (the default, as client-go's `FullListIfExpired`) instead of failing.
   */
  fullListIfExpired?: boolean;
}

/** A list call: takes list options, returns one page. */
export type ListFunc<L> = (options: ListOptions) => Promise<L>;

/**
 * Yields every page of a list, following continue tokens. Pages after the first are requested with
 * the continue token only (no resourceVersion, as the server requires). If a continue token expires
 * and `fullListIfExpired` is not false, one more, unpaginated, page is yielded: the full list, which
 * repeats items of the earlier pages (client-go's pager does the same).
 *
 * @example Counting pods page by page
 * ```ts
 * import { type Clientset, listPages } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const pods = clientset.coreV1().pods("");
 * for await (const page of listPages((o) => pods.list(o), { limit: 100 })) {
 *   console.log(page.items.length);
 * }
 * ```
 */
export async function* listPages<L extends KubeList<KubeObject>>(
  list: ListFunc<L>,
  options: ListPagesOptions = {},
): AsyncGenerator<L> {
  for await (const [page] of pages(list, options)) yield page;
}

/** Pages paired with "this is the full list fetched after an expired continue token". */
async function* pages<L extends KubeList<KubeObject>>(
  list: ListFunc<L>,
  options: ListPagesOptions,
): AsyncGenerator<[L, boolean]> {
  const { fullListIfExpired = true, ...listOptions } = options;
  let request: ListOptions = { ...listOptions, limit: listOptions.limit ?? DEFAULT_PAGE_SIZE };
  while (true) {
    let page: L;
    try {
      page = await list(request);
    } catch (e) {
      if (!fullListIfExpired || !request.continue || !isResourceExpired(e)) throw e;
      const full: ListOptions = { ...listOptions };
      delete full.limit;
      delete full.continue;
      yield [await list(full), true];
      return;
    }
    yield [page, false];
    const next = page.metadata?.continue;
    if (!next) return;
    request = { ...request, continue: next };
    delete request.resourceVersion;
    delete request.resourceVersionMatch;
  }
}

function keyOf(obj: KubeObject): string | undefined {
  const m = obj.metadata;
  if (m?.name === undefined) return undefined;
  return m.uid ?? `${m.namespace ?? ""}/${m.name}`;
}

/**
 * Yields every item of a list, page by page (see {@linkcode listPages}). After an expired continue
 * token, the items of the full list that were already yielded are skipped, so each object is
 * yielded once.
 *
 * @example
 * ```ts
 * import { type Clientset, listItems } from "@kubeweb/client/clientset";
 *
 * declare const clientset: Clientset;
 * const cms = clientset.coreV1().configMaps("default");
 * for await (const cm of listItems((o) => cms.list(o), { limit: 100 })) console.log(cm.metadata?.name);
 * ```
 */
export async function* listItems<T extends KubeObject>(
  list: ListFunc<KubeList<T>>,
  options: ListPagesOptions = {},
): AsyncGenerator<T> {
  const seen = new Set<string>();
  for await (const [page, fullAfterExpiry] of pages(list, options)) {
    for (const item of page.items) {
      const key = keyOf(item);
      if (fullAfterExpiry) {
        if (key !== undefined && seen.has(key)) continue;
      } else if (key !== undefined) seen.add(key);
      yield item;
    }
  }
}
