/**
 * Array fields backed by a persistent sorted map (sorted-map.ts). A snapshot's or a plan's list
 * stays a `readonly T[]` field for the many readers that take it whole (planning from scratch,
 * `check`, verification, reports, tests), but the array is made only when such a reader first
 * reads the field. Readers on the per-change path ask for the list with `listOf` instead and get
 * the map, whose versions share all but one path: they look entries up by key or diff two
 * versions, and never make the array.
 */
import { findSorted } from './arrays.js';
import { attached } from './attached.js';
import { isSortedValues, sortedMapOf, type SortedMap, type SortedValues } from './sorted-map.js';

/** A list as a per-change reader takes it: the map behind a field, or a plain array. */
export type Listed<V> = readonly V[] | SortedValues<V>;

type Element<L> = L extends readonly (infer V)[] ? V : never;

/** The maps behind each holder's lazy fields, by field name. */
const behind = attached<Map<string, SortedValues<unknown>>>('maps behind fields');

/**
 * Makes `holder[field]` the values of `map`, as an array made on first read (once per map
 * version), and remembers the map for `listOf`. Returns `holder`.
 */
export function backList<H extends object, F extends keyof H & string>(
  holder: H,
  field: F,
  map: SortedValues<Element<H[F]>>,
): H {
  let fields = behind.get(holder);
  if (fields === undefined) behind.set(holder, (fields = new Map()));
  fields.set(field, map as SortedValues<unknown>);
  Object.defineProperty(holder, field, { enumerable: true, configurable: true, get: getterOf(field) });
  return holder;
}

/**
 * One getter per field name, shared by every holder, which finds the holder's map in `behind`. A
 * getter made per holder held its map version in its closure, and V8 keeps an accessor in the
 * holder's hidden class, one per getter, in the old generation: every plan's route versions then
 * survived each scavenge until a full collection (112 MB promoted in 20,000 re-planned changes at
 * 10,000 Services, against 17 MB with this and util/attached.ts; `--trace-gc-nvp`).
 */
const getters = new Map<string, () => unknown>();

function getterOf(field: string): () => unknown {
  let get = getters.get(field);
  if (get === undefined) {
    get = function (this: object) {
      const map = behind.get(this)?.get(field);
      if (map === undefined) throw new Error(`no list behind field ${field} of this object`);
      return map.values();
    };
    getters.set(field, get);
  }
  return get;
}

/**
 * A shallow copy of `holder` that keeps its lazy fields lazy: the getters are copied, not read,
 * and `listOf` finds the same maps behind the copy's fields.
 */
export function copyBacked<H extends object>(holder: H): H {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(holder)) as H;
  const fields = behind.get(holder);
  if (fields !== undefined) behind.set(copy, new Map(fields));
  return copy;
}

/**
 * The list in `holder[field]` without making its array: the map behind it, or behind the array
 * it holds (a spread copy of a holder reads the field), else the plain array itself.
 */
export function listOf<H extends object, F extends keyof H & string>(
  holder: H,
  field: F,
): Listed<Element<H[F]>> {
  const map = behind.get(holder)?.get(field);
  if (map !== undefined) return map as SortedValues<Element<H[F]>>;
  const list = holder[field] as readonly Element<H[F]>[];
  return sortedMapOf(list) ?? list;
}

/** The map a list is backed by, if it is one's (a map, or an array a map made). */
export function mapOf<V>(list: Listed<V>): SortedValues<V> | undefined {
  return isSortedValues(list) ? list : sortedMapOf(list);
}

/** The whole list as an array, for readers of every entry (made once per map version). */
export function valuesOf<V>(list: Listed<V>): readonly V[] {
  return isSortedValues(list) ? list.values() : list;
}

export function sizeOf(list: Listed<unknown>): number {
  return isSortedValues(list) ? list.size : list.length;
}

/**
 * The entry whose key is `key` in a list sorted by `keyOf`: the map's own lookup when the list is
 * a map's (the maps behind such lists are keyed by `keyOf` of their values), else binary search.
 */
export function findListed<V>(list: Listed<V>, key: string, keyOf: (v: V) => string): V | undefined {
  const map = mapOf(list);
  if (map === undefined) return findSorted(list as readonly V[], key, keyOf);
  const found = (map as SortedMap<string, V>).get(key);
  return found !== undefined && keyOf(found) === key ? found : undefined;
}
