/**
 * DynamoDB on-demand capacity arithmetic, for the bench's cost figure: what a request consumes in
 * read and write request units, on the table and on each global secondary index it lands in.
 * Pure: items are plain documents (what the document client reads and writes).
 *
 * The rules, from the DynamoDB Developer Guide ("Read consistency"/"Capacity unit consumption",
 * "Item sizes and formats", "Provisioned throughput considerations for global secondary indexes"):
 * - an item's size is the sum of its attribute names' UTF-8 lengths and its values' sizes;
 * - a write consumes 1 write unit per 1 KB (rounded up) of the larger of the item before and after
 *   it (PutItem, UpdateItem) or of the item deleted; a write whose condition fails still consumes
 *   the existing item's size (at least 1); a transactional write twice as much;
 * - each index the write lands in costs write units too, sized by the item as the index holds it
 *   (ALL: every attribute; INCLUDE: the table's and the index's keys and the attributes named):
 *   putting an item into an index, deleting it from one, updating it in place (when what the index
 *   holds changed), and moving it (its index key changed) costs a delete plus a put;
 * - a read consumes 1 read unit per 4 KB (rounded up) strongly consistent, half that eventually
 *   consistent; a Query or Scan rounds the total size of the items it read once.
 */

/** A document as the document client reads and writes it. */
export type Item = Readonly<Record<string, unknown>>;

/** A global secondary index's key attributes, and what it holds of an item. */
export interface IndexKeys {
  readonly name: string;
  readonly hash: string;
  readonly range: string;
  /** INCLUDE: the table's key attributes and these; undefined: ALL. */
  readonly projected?: { readonly tableKeys: readonly string[]; readonly include: readonly string[] };
}

/** The item as `index` holds it. */
function projectedItem(item: Item, index: IndexKeys): Item {
  const projection = index.projected;
  if (projection === undefined) return item;
  const names = new Set([...projection.tableKeys, index.hash, index.range, ...projection.include]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Size of a number: about 1 byte per two significant digits, plus 1 (Developer Guide, "Number"). */
function numberSize(value: number | bigint): number {
  const digits = String(value)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** The stored size of one attribute value, in bytes. */
export function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const element of value) size += valueSize(element);
    return size;
  }
  // Lists and maps: 3 bytes, plus 1 byte per element, plus the elements (and a map's names).
  if (Array.isArray(value)) return value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 3);
  if (typeof value === 'object') {
    return Object.entries(value).reduce<number>(
      (sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element),
      3,
    );
  }
  return utf8(String(value));
}

/** An item's size: its attribute names plus its values. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += utf8(name) + valueSize(value);
  }
  return size;
}

function units(bytes: number, perUnit: number): number {
  return Math.max(1, Math.ceil(bytes / perUnit));
}

function inIndex(item: Item | undefined, index: IndexKeys): item is Item {
  return item !== undefined && item[index.hash] !== undefined && item[index.range] !== undefined;
}

/** What one item's write consumed. */
export interface WriteUnits {
  readonly table: number;
  /** By index name; only the indexes the write landed in. */
  readonly indexes: Readonly<Record<string, number>>;
}

/**
 * Write units of one successful write of one item: `before` and `after` are the item as stored
 * before and after it (undefined: absent). `transactional` doubles every unit.
 */
export function writeUnits(
  before: Item | undefined,
  after: Item | undefined,
  indexes: readonly IndexKeys[],
  transactional = false,
): WriteUnits {
  const factor = transactional ? 2 : 1;
  const beforeSize = before === undefined ? 0 : itemSize(before);
  const afterSize = after === undefined ? 0 : itemSize(after);
  const table = units(Math.max(beforeSize, afterSize), WRITE_UNIT_BYTES) * factor;
  const byIndex: Record<string, number> = {};
  for (const index of indexes) {
    const was = inIndex(before, index);
    const is = inIndex(after, index);
    const wasItem = was ? projectedItem(before, index) : undefined;
    const isItem = is ? projectedItem(after, index) : undefined;
    const wasSize = wasItem === undefined ? 0 : itemSize(wasItem);
    const isSize = isItem === undefined ? 0 : itemSize(isItem);
    let cost = 0;
    if (!was && is) cost = units(isSize, WRITE_UNIT_BYTES);
    else if (was && !is) cost = units(wasSize, WRITE_UNIT_BYTES);
    else if (wasItem !== undefined && isItem !== undefined) {
      const moved =
        before?.[index.hash] !== after?.[index.hash] || before?.[index.range] !== after?.[index.range];
      if (moved) cost = units(wasSize, WRITE_UNIT_BYTES) + units(isSize, WRITE_UNIT_BYTES);
      else if (!sameItem(wasItem, isItem)) cost = units(Math.max(wasSize, isSize), WRITE_UNIT_BYTES);
    }
    if (cost > 0) byIndex[index.name] = cost * factor;
  }
  return { table, indexes: byIndex };
}

/** Write units of a write whose condition failed: the existing item's size, on the table only. */
export function failedWriteUnits(existing: Item | undefined, transactional = false): number {
  return units(existing === undefined ? 0 : itemSize(existing), WRITE_UNIT_BYTES) * (transactional ? 2 : 1);
}

/**
 * Read units of a GetItem (one item, or none found) or of a Query/Scan page (the items it read,
 * their total size rounded once).
 */
export function readUnits(items: readonly Item[], consistent: boolean): number {
  const bytes = items.reduce((sum, item) => sum + itemSize(item), 0);
  return units(bytes, READ_UNIT_BYTES) * (consistent ? 1 : 0.5);
}

function sameItem(a: Item, b: Item): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (value instanceof Set) return `set:${stableJson([...value].map(String).sort())}`;
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const entries = Object.entries(value)
      .filter(([, element]) => element !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, element]) => `${JSON.stringify(name)}:${stableJson(element)}`).join(',')}}`;
  }
  if (value instanceof Uint8Array) return `bin:${Buffer.from(value).toString('base64')}`;
  return JSON.stringify(value) ?? 'undefined';
}
