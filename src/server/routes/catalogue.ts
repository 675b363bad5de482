import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { parseRequestPart } from '../parse-request.js';

const itemParams = z.object({ itemId: z.string().min(1).max(200) }).strict();
const itemsQuery = z
  .object({
    ids: z
      .string()
      .max(20_000)
      .transform((text) =>
        text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .refine((ids) => ids.length >= 1 && ids.length <= 200, 'lists 1 to 200 item ids, comma-separated'),
  })
  .strict();

/**
 * Catalogue reads for the storefront: `GET /items/:itemId` (one item, 404 when unknown) and
 * `GET /items?ids=a,b,c` (up to 200 items, in the order asked, unknown ids left out).
 */
export function registerCatalogueRoutes(app: FastifyInstance, aisle: Aisle): void {
  const read = { config: { scope: 'recommend' as const } };

  app.get('/items/:itemId', read, async (request) => {
    const { itemId } = parseRequestPart(itemParams, request.params, 'params');
    const [item] = await aisle.store.getItems([itemId]);
    if (!item) throw new AisleError('NOT_FOUND', `No item ${itemId} in the catalogue`, { itemId });
    return item;
  });

  app.get('/items', read, async (request) => {
    const { ids } = parseRequestPart(itemsQuery, request.query, 'query');
    const found = new Map((await aisle.store.getItems(ids)).map((item) => [item.id, item]));
    return { items: ids.flatMap((id) => found.get(id) ?? []) };
  });
}
