import { type ImportContext, importRecords } from '../import-records.js';
import type { RecordSource } from '../produce-records.js';
import { openJsonLinesAdapterSource } from './adapter-source.js';
import type { DatasetImportSummary } from './dataset-import.js';
import { deriveItemsOnce } from './derive-items.js';

/**
 * Imports an Amazon review file (McAuley's 2014 "5-core" JSON Lines, plain or gzip): each review is a
 * rating event (`overall`, 1–5) at `unixReviewTime`. Items are created from the reviews (the file has
 * no product metadata, so an item's title names its ASIN). Reviewer names are personal data and are
 * not stored; review text is not stored either (it is not behaviour).
 *
 * @example
 * await importAmazonReviews(context, '../shared/datasets/amazon-musical-instruments-5core/Musical_Instruments.json.gz');
 */
export async function importAmazonReviews(
  context: ImportContext,
  path: string,
): Promise<DatasetImportSummary> {
  return {
    dataset: 'amazon-reviews',
    steps: [await importRecords(context, await openAmazonSource(path))],
    notes: ['reviews → rating events; reviewer names and review text are not stored'],
  };
}

/** The review file as a record source (rating events, deriving each product once). */
export async function openAmazonSource(path: string): Promise<RecordSource> {
  const source = await openJsonLinesAdapterSource(path, 'event', (review) => ({
    userId: review['reviewerID'],
    itemId: review['asin'],
    type: 'rating',
    value: review['overall'],
    timestamp: review['unixReviewTime'],
  }));
  source.derive = deriveItemsOnce((asin) => ({
    id: asin,
    title: `Amazon product ${asin}`,
    categoryPath: [],
    attributes: { asin, titleFromId: true },
    tags: [],
    available: true,
  }));
  return source;
}
