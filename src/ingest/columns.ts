import type { RecordKind } from '../store/store.js';

/**
 * Column names found in shop exports, mapped to Aisle's field names. Names are compared after
 * `normaliseColumnName` (lower case, no separators), so `user_id`, `userId` and `User ID` are one name.
 */
const fieldAliases: Record<RecordKind, Record<string, string>> = {
  event: {
    eventid: 'eventId',
    id: 'eventId',
    userid: 'userId',
    user: 'userId',
    uid: 'userId',
    visitorid: 'userId',
    customerid: 'userId',
    itemid: 'itemId',
    item: 'itemId',
    productid: 'itemId',
    product: 'itemId',
    sku: 'itemId',
    asin: 'itemId',
    type: 'type',
    eventtype: 'type',
    event: 'type',
    behavior: 'type',
    behaviortype: 'type',
    behaviour: 'type',
    action: 'type',
    value: 'value',
    rating: 'value',
    score: 'value',
    query: 'query',
    searchquery: 'query',
    keyword: 'query',
    sessionid: 'sessionId',
    session: 'sessionId',
    timestamp: 'timestamp',
    ts: 'timestamp',
    time: 'timestamp',
    eventtime: 'timestamp',
    datetime: 'timestamp',
    date: 'timestamp',
    createdat: 'timestamp',
    dwellms: 'dwellMs',
    dwell: 'dwellMs',
    dwelltime: 'dwellMs',
  },
  item: {
    id: 'id',
    itemid: 'id',
    productid: 'id',
    sku: 'id',
    title: 'title',
    name: 'title',
    productname: 'title',
    description: 'description',
    desc: 'description',
    categorypath: 'categoryPath',
    category: 'categoryPath',
    categories: 'categoryPath',
    brand: 'brand',
    price: 'price',
    currency: 'currency',
    sellerid: 'sellerId',
    seller: 'sellerId',
    shopid: 'sellerId',
    merchantid: 'sellerId',
    attributes: 'attributes',
    tags: 'tags',
    language: 'language',
    lang: 'language',
    createdat: 'createdAt',
    available: 'available',
    instock: 'available',
  },
  user: {
    id: 'id',
    userid: 'id',
    attributes: 'attributes',
    createdat: 'createdAt',
  },
  protected: {
    userid: 'userId',
    id: 'userId',
    user: 'userId',
  },
  query: {
    id: 'id',
    queryid: 'id',
    qid: 'id',
    text: 'text',
    query: 'text',
    userid: 'userId',
    timestamp: 'timestamp',
    ts: 'timestamp',
  },
};

/** Columns that hold sensitive demographics: in a users file they go to protected attributes. */
const protectedAliases: Record<string, string> = {
  gender: 'gender',
  sex: 'gender',
  age: 'age',
  ageband: 'ageBand',
  agegroup: 'ageBand',
  region: 'region',
  province: 'region',
  state: 'region',
  country: 'region',
  occupation: 'occupation',
  job: 'occupation',
};

/** Where one column's values go. */
export type ColumnTarget =
  | { to: 'field'; field: string }
  /** An item or user attribute (extra columns, `attr.color`, `attributes.size`). */
  | { to: 'attribute'; name: string }
  /** A protected attribute (from a users or protected-attributes file). */
  | { to: 'protected'; field: string }
  /** A protected attribute without a field of its own (kept in `other`). */
  | { to: 'protected-other'; name: string }
  /** A column an event has no place for: reported in the summary, not stored. */
  | { to: 'ignored'; name: string };

/** Lower-cases and drops separators, so differently spelled headers compare equal. */
export function normaliseColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.]/g, '');
}

/** Decides where each column of a file for `kind` goes. */
export function mapColumns(kind: RecordKind, header: readonly string[]): ColumnTarget[] {
  const aliases = fieldAliases[kind];
  return header.map((name): ColumnTarget => {
    const trimmed = name.trim();
    const prefixed = /^(attr|attribute|attributes)[.:](.+)$/i.exec(trimmed);
    if (prefixed && (kind === 'item' || kind === 'user')) return { to: 'attribute', name: prefixed[2]! };
    const key = normaliseColumnName(trimmed);
    const field = aliases[key];
    if (field !== undefined) return { to: 'field', field };
    if (kind === 'user' || kind === 'protected') {
      const protectedField = protectedAliases[key];
      if (protectedField !== undefined) return { to: 'protected', field: protectedField };
      if (kind === 'protected') return { to: 'protected-other', name: trimmed };
    }
    if (kind === 'item' || kind === 'user') return { to: 'attribute', name: trimmed };
    return { to: 'ignored', name: trimmed };
  });
}

/** The record input built from one row, split into the main record and its protected part. */
export interface MappedRecord {
  input: Record<string, unknown>;
  /** Protected attributes found in a users file (with `userId`), or undefined. */
  protectedInput?: Record<string, unknown>;
  /** Names of values that had nowhere to go (reported, not stored). */
  ignored: string[];
}

/**
 * Builds a record input from named values (CSV cells by column, or a JSON object's keys).
 * Empty text means "absent", as in most exports.
 */
export function mapValues(
  kind: RecordKind,
  targets: readonly ColumnTarget[],
  values: readonly unknown[],
): MappedRecord {
  const input: Record<string, unknown> = {};
  const protectedInput: Record<string, unknown> = {};
  const ignored: string[] = [];
  let attributes: Record<string, unknown> | undefined;
  let other: Record<string, unknown> | undefined;
  let hasProtected = false;
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index]!;
    const value = values[index];
    if (value === undefined || value === null || value === '') continue;
    switch (target.to) {
      case 'field':
        if (target.field === 'attributes' && typeof value === 'object') {
          attributes = { ...(value as Record<string, unknown>), ...attributes };
        } else input[target.field] = value;
        break;
      case 'attribute':
        (attributes ??= {})[target.name] = value;
        break;
      case 'protected':
        protectedInput[target.field] = value;
        hasProtected = true;
        break;
      case 'protected-other':
        (other ??= {})[target.name] = value;
        break;
      case 'ignored':
        ignored.push(target.name);
        break;
    }
  }
  if (attributes !== undefined) {
    input['attributes'] =
      typeof input['attributes'] === 'string'
        ? mergeAttributeText(input['attributes'], attributes)
        : attributes;
  }
  if (kind === 'protected') {
    if (other !== undefined) input['other'] = other;
    Object.assign(input, protectedInput);
    return { input, ignored };
  }
  const mapped: MappedRecord = { input, ignored };
  if (hasProtected) mapped.protectedInput = { userId: input['id'], ...protectedInput };
  return mapped;
}

/** An `attributes` JSON column plus `attr.*` columns: both kept; the JSON is validated later. */
function mergeAttributeText(json: string, extra: Record<string, unknown>): unknown {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return { ...parsed, ...extra };
  } catch {
    // Leave the text as is: the attributes schema reports it with the field name.
  }
  return json;
}

/** True when `object` has a key that maps to `field` for records of `kind`. */
export function hasField(kind: RecordKind, object: Record<string, unknown>, field: string): boolean {
  const aliases = fieldAliases[kind];
  return Object.keys(object).some(
    (key) => aliases[normaliseColumnName(key)] === field && object[key] !== undefined,
  );
}

/** The value of the key of `object` that maps to `field` for records of `kind` (any spelling). */
export function fieldValue(kind: RecordKind, object: Record<string, unknown>, field: string): unknown {
  const aliases = fieldAliases[kind];
  const key = Object.keys(object).find((name) => aliases[normaliseColumnName(name)] === field);
  return key === undefined ? undefined : object[key];
}
