import { isUtf8 } from 'node:buffer';
import type { RecordProblem } from '../../store/store.js';
import { type ImportContext, type RecordSource } from '../import-records.js';
import { openInput } from '../read/open-input.js';
import { readDelimited } from '../read/read-table.js';
import { forEachLookupRow } from './lookup-rows.js';
import { openDelimitedAdapterSource } from './adapter-source.js';
import { type DatasetImportSummary, findFile, importSteps, requireFile } from './dataset-import.js';

/** Instacart gives order times only relative to a user's previous order; they are laid out from here. */
const ORDER_TIME_BASE = Date.UTC(2017, 0, 1);

interface Order {
  userId: string;
  timestamp: number;
}

/**
 * Imports an Instacart directory (products.csv with aisles.csv and departments.csv — or the misspelt
 * depertments.csv — and, when present, orders.csv with order_products__prior.csv / __train.csv).
 * Products become items under department › aisle; each ordered product becomes a purchase event in
 * the order's session. Products are read line by line (id before the first comma, aisle and
 * department after the last two) because public copies carry broken quoting that a strict CSV
 * reader would let swallow the following lines; escaped and mis-decoded characters are repaired.
 *
 * @example
 * await importInstacart(context, '../shared/datasets/instacart/billyrohh-instacart_dataset');
 */
export async function importInstacart(context: ImportContext, dir: string): Promise<DatasetImportSummary> {
  const aisles = await readIdNames(requireFile(dir, ['aisles.csv'], 'Instacart aisles'), 'aisle_id', 'aisle');
  const departments = await readIdNames(
    requireFile(dir, ['departments.csv', 'depertments.csv'], 'Instacart departments'),
    'department_id',
    'department',
  );
  const productsPath = requireFile(dir, ['products.csv'], 'Instacart products');
  const repairs = { count: 0 };
  const sources: (() => Promise<RecordSource>)[] = [
    () => productSource(productsPath, aisles, departments, repairs),
  ];
  const notes: string[] = [];

  const ordersPath = findFile(dir, ['orders.csv']);
  const lines = ['order_products__prior.csv', 'order_products__train.csv']
    .map((name) => findFile(dir, [name]))
    .filter((path): path is string => path !== undefined);
  if (ordersPath && lines.length > 0) {
    const orders = await readOrders(ordersPath);
    for (const path of lines) sources.push(() => orderLineSource(path, orders));
    notes.push(
      `order times are laid out from ${new Date(ORDER_TIME_BASE).toISOString().slice(0, 10)} using days_since_prior_order and order_hour_of_day (Instacart has no dates)`,
    );
  }
  const summary = await importSteps(context, 'instacart', sources, notes);
  if (repairs.count > 0) {
    notes.push(
      `${productsPath}: ${repairs.count} product names repaired (<U+XXXX> escapes, mis-decoded UTF-8, broken quote escapes)`,
    );
  }
  return summary;
}

async function productSource(
  path: string,
  aisles: Map<string, string>,
  departments: Map<string, string>,
  repairs: { count: number },
): Promise<RecordSource> {
  const input = await openInput(path);
  let header = true;
  const records = readDelimited(input, { delimiter: '\u0000', encoding: 'utf8', quoted: false });
  return {
    kind: 'item',
    source: path,
    records: (async function* () {
      for await (const batch of records) {
        if (header) {
          const index = batch.findIndex((record) => record.kind !== 'blank');
          if (index !== -1) {
            header = false;
            yield batch.filter((_, at) => at !== index);
            continue;
          }
        }
        yield batch;
      }
    })(),
    progress: () => ({ done: input.bytesRead(), total: input.sizeBytes }),
    map: (record) => {
      if (record.kind !== 'cells')
        return { problem: { field: null, reason: 'invalid_record', message: 'expected a line' } };
      const text = record.raw;
      const first = text.indexOf(',');
      const last = text.lastIndexOf(',');
      const secondLast = last > 0 ? text.lastIndexOf(',', last - 1) : -1;
      if (first === -1 || secondLast <= first) {
        return wrongShape(record.terminated, 'expected product_id,product_name,aisle_id,department_id');
      }
      const aisleId = text.slice(secondLast + 1, last).trim();
      const departmentId = text.slice(last + 1).trim();
      const aisle = aisles.get(aisleId);
      const department = departments.get(departmentId);
      if (aisle === undefined || department === undefined) {
        const field = aisle === undefined ? 'aisle_id' : 'department_id';
        const value = aisle === undefined ? aisleId : departmentId;
        return {
          problem: record.terminated
            ? {
                field,
                reason: 'unknown_reference',
                message: `${field} ${JSON.stringify(value)} is not in the ${field === 'aisle_id' ? 'aisles' : 'departments'} file`,
              }
            : { field: null, reason: 'truncated_record', message: 'the file ends inside this record' },
        };
      }
      const rawName = text.slice(first + 1, secondLast);
      const name = repairName(rawName);
      if (name !== unquote(rawName) || rawName.includes('\\"')) repairs.count++;
      return {
        input: {
          id: text.slice(0, first).trim(),
          title: name,
          categoryPath: [department, aisle],
          attributes: { aisleId, departmentId },
          language: 'en',
        },
        ignored: [],
      };
    },
  };
}

async function orderLineSource(path: string, orders: Map<string, Order>): Promise<RecordSource> {
  const source = await openDelimitedAdapterSource({
    path,
    kind: 'event',
    delimiter: ',',
    encoding: 'utf8',
    quoted: true,
    hasHeader: true,
    columns: 4,
    columnNames: ['order_id', 'product_id', 'add_to_cart_order', 'reordered'],
    toInput: ([orderId, productId]) => {
      const order = orders.get(orderId?.trim() ?? '');
      return {
        userId: order?.userId,
        itemId: productId,
        type: 'purchase',
        sessionId: orderId,
        timestamp: order?.timestamp,
        // Checked below: an order line must name a known order.
        orderKnown: order !== undefined,
      };
    },
  });
  const map = source.map;
  source.map = (record) => {
    const mapped = map(record);
    if ('problem' in mapped) return mapped;
    const { orderKnown, ...input } = mapped.input;
    if (!orderKnown) {
      return {
        problem: {
          field: 'order_id',
          reason: 'unknown_reference',
          message: `order_id ${JSON.stringify(input['sessionId'])} is not in orders.csv, so the buyer and time are unknown`,
        },
      };
    }
    return { ...mapped, input };
  };
  return source;
}

/** orders.csv → order id → buyer and a time laid out from the relative order times. */
async function readOrders(path: string): Promise<Map<string, Order>> {
  const rows: { orderId: string; userId: string; number: number; hour: number; daysSincePrior: number }[] =
    [];
  await forEachLookupRow(path, (value) =>
    rows.push({
      orderId: value('order_id'),
      userId: value('user_id'),
      number: Number(value('order_number')),
      hour: Number(value('order_hour_of_day')) || 0,
      daysSincePrior: Number(value('days_since_prior_order')) || 0,
    }),
  );
  rows.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.number - b.number));
  const orders = new Map<string, Order>();
  let user = '';
  let days = 0;
  for (const row of rows) {
    if (row.userId !== user) {
      user = row.userId;
      days = 0;
    } else days += row.daysSincePrior;
    orders.set(row.orderId, {
      userId: row.userId,
      timestamp: ORDER_TIME_BASE + (days * 24 + row.hour) * 3_600_000,
    });
  }
  return orders;
}

/** An id,name CSV (aisles, departments) → id → name. */
async function readIdNames(path: string, idColumn: string, nameColumn: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await forEachLookupRow(path, (value) => names.set(value(idColumn), value(nameColumn)));
  return names;
}

function wrongShape(terminated: boolean, message: string): { problem: RecordProblem } {
  return terminated
    ? { problem: { field: null, reason: 'wrong_column_count', message } }
    : {
        problem: {
          field: null,
          reason: 'truncated_record',
          message: `the file ends inside this record: ${message}`,
        },
      };
}

/**
 * Strips CSV quoting from a name field. Names holding `\"` were escaped twice by whoever wrote the
 * file (e.g. `"\""Constant Comment\"""" Decaffeinated Black Tea Blend"""`): there, `\"` is a quote,
 * a final lone `""` is an escaping artefact, and runs of quotes stand for one.
 */
function unquote(text: string): string {
  let value = text.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  else return value;
  if (!value.includes('\\"')) return value.replaceAll('""', '"');
  value = value.replaceAll('\\"', '"');
  if (/[^"]""$/.test(value)) value = value.slice(0, -2);
  return value.replace(/"+/g, '"');
}

/** Windows-1252's 0x80–0x9F characters, to undo UTF-8 text that was decoded as cp1252. */
const CP1252_HIGH: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

/** Unquotes a product name and repairs `<U+00ED>` escapes and UTF-8 mis-decoded as Latin-1/cp1252. */
export function repairName(raw: string): string {
  let name = unquote(raw).replace(/<U\+([0-9A-Fa-f]{4,6})>/g, (_, hex: string) =>
    String.fromCodePoint(parseInt(hex, 16)),
  );
  // UTF-8 read as Latin-1/cp1252 shows a lead byte (Â…ô) followed by continuation bytes.
  if (/[\u00c2-\u00f4][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/.test(name)) {
    const bytes: number[] = [];
    let encodable = true;
    for (const char of name) {
      const code = char.codePointAt(0)!;
      if (code <= 0xff) bytes.push(code);
      else if (CP1252_HIGH[char] !== undefined) bytes.push(CP1252_HIGH[char]);
      else {
        encodable = false;
        break;
      }
    }
    const buffer = Buffer.from(bytes);
    if (encodable && isUtf8(buffer)) name = buffer.toString('utf8');
  }
  return name;
}
