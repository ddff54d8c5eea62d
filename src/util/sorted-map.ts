/**
 * A persistent (immutable, structurally shared) map sorted by key: a B+tree copied along one
 * root-to-leaf path per change, so a new version costs O(log n) and every older version stays as
 * it was. The cluster's and the plan's sorted lists live in these, so one change among 100,000
 * entries copies a few dozen pointers instead of the whole list; a plain array of the values is
 * made only for readers that read every entry anyway, at most once per version.
 */
import { lowerBound } from './arrays.js';
import { attached } from './attached.js';

export type Compare<K> = (a: K, b: K) => number;

/**
 * A leaf holds keys and values; a branch holds its children's lowest keys and the children. One
 * shape for both, so splitting and merging are written once.
 */
interface Node<K, V> {
  /** 0 for a leaf. */
  readonly height: number;
  readonly keys: readonly K[];
  readonly slots: ReadonlyArray<V | Node<K, V>>;
}

/**
 * Slots per node. Wide enough that 100,000 entries are three levels deep, narrow enough that the
 * copy of one path stays around a hundred pointers.
 */
const MAX = 32;
/** Below this a node borrows from or merges with a sibling, which keeps the depth logarithmic. */
const MIN = MAX >> 2;

function node<K, V>(height: number, keys: readonly K[], slots: ReadonlyArray<V | Node<K, V>>): Node<K, V> {
  return { height, keys, slots };
}

const EMPTY_LEAF: Node<never, never> = node(0, [], []);

function childAt<K, V>(n: Node<K, V>, i: number): Node<K, V> {
  return n.slots[i] as Node<K, V>;
}

/** The child of a branch whose range holds `key`: the last one whose lowest key is not above it. */
function childIndex<K>(keys: readonly K[], key: K, compare: Compare<K>): number {
  const i = lowerBound(keys, key, compare);
  return i < keys.length && compare(keys[i] as K, key) === 0 ? i : Math.max(0, i - 1);
}

/** `list` with `count` entries from `at` replaced by `items`, as a new array. */
function spliced<T>(list: readonly T[], at: number, count: number, items: readonly T[]): T[] {
  const out = list.slice(0, at);
  for (const item of items) out.push(item);
  for (let i = at + count; i < list.length; i++) out.push(list[i] as T);
  return out;
}

/** One node, or two halves when it is over full. */
function fitted<K, V>(height: number, keys: K[], slots: Array<V | Node<K, V>>): Array<Node<K, V>> {
  if (slots.length <= MAX) return [node(height, keys, slots)];
  const half = slots.length >> 1;
  return [
    node(height, keys.slice(0, half), slots.slice(0, half)),
    node(height, keys.slice(half), slots.slice(half)),
  ];
}

/** The branch `n` with children `at`..`at+count-1` replaced by `children` (split when over full). */
function withChildren<K, V>(
  n: Node<K, V>,
  at: number,
  count: number,
  children: ReadonlyArray<Node<K, V>>,
): Array<Node<K, V>> {
  const lows = children.map((c) => c.keys[0] as K);
  return fitted(n.height, spliced(n.keys, at, count, lows), spliced(n.slots, at, count, children));
}

/** The new nodes for `n` with `key` set to `value` (one, or two after a split); undefined: no change. */
function put<K, V>(
  n: Node<K, V>,
  key: K,
  value: V,
  compare: Compare<K>,
  added: { yes: boolean },
): Array<Node<K, V>> | undefined {
  if (n.height === 0) {
    const i = lowerBound(n.keys, key, compare);
    if (i < n.keys.length && compare(n.keys[i] as K, key) === 0) {
      if (n.slots[i] === value) return undefined;
      return [node(0, n.keys, spliced(n.slots, i, 1, [value]))];
    }
    added.yes = true;
    return fitted(0, spliced(n.keys, i, 0, [key]), spliced(n.slots, i, 0, [value]));
  }
  const i = childIndex(n.keys, key, compare);
  const parts = put(childAt(n, i), key, value, compare, added);
  return parts && withChildren(n, i, 1, parts);
}

/** `n` without `key`; undefined: no change. Children that fall below MIN take in a sibling. */
function remove<K, V>(n: Node<K, V>, key: K, compare: Compare<K>): Node<K, V> | undefined {
  if (n.height === 0) {
    const i = lowerBound(n.keys, key, compare);
    if (i === n.keys.length || compare(n.keys[i] as K, key) !== 0) return undefined;
    return node(0, spliced(n.keys, i, 1, []), spliced(n.slots, i, 1, []));
  }
  const i = childIndex(n.keys, key, compare);
  const child = remove(childAt(n, i), key, compare);
  if (child === undefined) return undefined;
  if (child.slots.length >= MIN || n.slots.length === 1) {
    const kept = child.slots.length === 0 ? [] : [child];
    return node(
      n.height,
      spliced(
        n.keys,
        i,
        1,
        kept.map((c) => c.keys[0] as K),
      ),
      spliced(n.slots, i, 1, kept),
    );
  }
  // Merge with the left sibling (the right one for the first child); two halves if too many.
  const left = i > 0 ? i - 1 : i;
  const a = left === i ? child : childAt(n, left);
  const b = left === i ? childAt(n, i + 1) : child;
  const merged = fitted(a.height, [...a.keys, ...b.keys], [...a.slots, ...b.slots]);
  const parts = withChildren(n, left, 2, merged);
  return parts[0];
}

/** A tree of the sorted keys and their values, built bottom up with evenly filled nodes. */
function build<K, V>(keys: readonly K[], values: readonly V[]): Node<K, V> {
  const chunk = (count: number, make: (from: number, to: number) => Node<K, V>) => {
    const parts = Math.max(1, Math.ceil(count / MAX));
    const out: Array<Node<K, V>> = [];
    for (let p = 0; p < parts; p++)
      out.push(make(Math.floor((p * count) / parts), Math.floor(((p + 1) * count) / parts)));
    return out;
  };
  let level = chunk(keys.length, (from, to) => node(0, keys.slice(from, to), values.slice(from, to)));
  for (let height = 1; level.length > 1; height++) {
    const below = level;
    level = chunk(below.length, (from, to) => {
      const children = below.slice(from, to);
      return node(
        height,
        children.map((c) => c.keys[0] as K),
        children,
      );
    });
  }
  return level[0] as Node<K, V>;
}

/** Appends the values under `n`, in key order. */
function collect<K, V>(n: Node<K, V>, out: V[]): void {
  if (n.height === 0) for (const v of n.slots as readonly V[]) out.push(v);
  else for (const c of n.slots) collect(c as Node<K, V>, out);
}

interface Item<K, V> {
  key: K;
  value: V;
}

type Front<K, V> = Node<K, V> | Item<K, V>;

const heightOf = <K, V>(f: Front<K, V>): number => ('height' in f ? f.height : -1);

/** Replaces the node on top of `stack` by its parts: children, or the leaf's entries. */
function open<K, V>(stack: Array<Front<K, V>>): void {
  const n = stack.pop() as Node<K, V>;
  for (let i = n.slots.length - 1; i >= 0; i--) {
    if (n.height === 0) stack.push({ key: n.keys[i] as K, value: n.slots[i] as V });
    else stack.push(n.slots[i] as Node<K, V>);
  }
}

/** The values of what is left on `stack`, in order. */
function drain<K, V>(stack: Array<Front<K, V>>, out: V[]): void {
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Front<K, V>;
    if (heightOf(top) >= 0) open(stack);
    else out.push((stack.pop() as Item<K, V>).value);
  }
}

/** A map as a reader of its values sees it, whatever its keys. */
export interface SortedValues<V> {
  readonly size: number;
  values(): readonly V[];
  /** `older` is a version of the same map (the same keys, in the same order). */
  changedFrom(older: SortedValues<V>): [V[], V[]];
}

export class SortedMap<K, V> implements SortedValues<V> {
  /** The values as an array, made on first request. */
  private list: V[] | undefined;

  private constructor(
    private readonly root: Node<K, V>,
    readonly size: number,
    readonly compare: Compare<K>,
  ) {}

  static empty<K, V>(compare: Compare<K>): SortedMap<K, V> {
    return new SortedMap<K, V>(EMPTY_LEAF, 0, compare);
  }

  /** From keys already sorted by `compare` (no duplicates) and their values, in O(n). */
  static fromSorted<K, V>(compare: Compare<K>, keys: readonly K[], values: readonly V[]): SortedMap<K, V> {
    return new SortedMap(build(keys, values), keys.length, compare);
  }

  get(key: K): V | undefined {
    let n = this.root;
    while (n.height > 0) n = childAt(n, childIndex(n.keys, key, this.compare));
    const i = lowerBound(n.keys, key, this.compare);
    return i < n.keys.length && this.compare(n.keys[i] as K, key) === 0 ? (n.slots[i] as V) : undefined;
  }

  /** A version with `key` set to `value`; this one when it already was (the same object). */
  set(key: K, value: V): SortedMap<K, V> {
    const added = { yes: false };
    const parts = put(this.root, key, value, this.compare, added);
    if (parts === undefined) return this;
    const root =
      parts.length === 1
        ? (parts[0] as Node<K, V>)
        : node(
            this.root.height + 1,
            parts.map((p) => p.keys[0] as K),
            parts,
          );
    return new SortedMap(root, this.size + (added.yes ? 1 : 0), this.compare);
  }

  /** A version without `key`; this one when it had none. */
  delete(key: K): SortedMap<K, V> {
    let root = remove(this.root, key, this.compare);
    if (root === undefined) return this;
    while (root.height > 0 && root.slots.length === 1) root = childAt(root, 0);
    if (root.slots.length === 0) root = EMPTY_LEAF;
    return new SortedMap(root, this.size - 1, this.compare);
  }

  /**
   * The values in key order, made once per version: never mutate it, it is handed to every
   * caller (a plan's and a snapshot's lists are read, never written).
   */
  values(): readonly V[] {
    if (this.list === undefined) {
      const list: V[] = [];
      collect(this.root, list);
      this.list = list;
      arrays.set(list, this);
    }
    return this.list;
  }

  /**
   * The entries of `older` and of this version that differ (by key, or a different value object
   * under one key), each side in key order. Subtrees the two versions share are skipped whole,
   * so for versions made from one another it costs the size of the change times the depth.
   */
  changedFrom(older: SortedValues<V>): [V[], V[]] {
    const before: V[] = [];
    const after: V[] = [];
    const a: Array<Front<K, V>> = [(older as SortedMap<K, V>).root];
    const b: Array<Front<K, V>> = [this.root];
    while (a.length > 0 && b.length > 0) {
      const x = a[a.length - 1] as Front<K, V>;
      const y = b[b.length - 1] as Front<K, V>;
      if (x === y) {
        a.pop();
        b.pop();
        continue;
      }
      const hx = heightOf(x);
      const hy = heightOf(y);
      if (hx >= 0 || hy >= 0) {
        // Open the taller front (both when as tall): the smaller parts may be shared.
        if (hx >= hy) open(a);
        if (hy >= hx) open(b);
        continue;
      }
      const c = this.compare((x as Item<K, V>).key, (y as Item<K, V>).key);
      if (c <= 0) a.pop();
      if (c >= 0) b.pop();
      if (c === 0 && (x as Item<K, V>).value === (y as Item<K, V>).value) continue;
      if (c <= 0) before.push((x as Item<K, V>).value);
      if (c >= 0) after.push((y as Item<K, V>).value);
    }
    drain(a, before);
    drain(b, after);
    return [before, after];
  }
}

/** The map each handed-out values array was made from, so a caller holding the array finds it. */
const arrays = attached<SortedValues<unknown>>('sorted map');

/** The sorted map `list` is the values of, if it is one's. */
export function sortedMapOf<V>(list: readonly V[]): SortedValues<V> | undefined {
  return arrays.get(list) as SortedValues<V> | undefined;
}

export function isSortedValues<V>(list: readonly V[] | SortedValues<V>): list is SortedValues<V> {
  return list instanceof SortedMap;
}
