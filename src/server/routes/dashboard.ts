import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { registerCatalogueRoutes } from './catalogue.js';
import { registerDashboardAssets } from './dashboard-assets.js';
import { registerHomeRoute } from './home.js';
import { registerStatsRoutes } from './stats.js';

/**
 * Everything the dashboard (src/dashboard) needs beyond the API: its page at `/`, its static files,
 * catalogue reads for the storefront and the statistics of the overview.
 */
export function registerDashboardRoutes(app: FastifyInstance, aisle: Aisle): void {
  registerHomeRoute(app, aisle);
  registerDashboardAssets(app);
  registerCatalogueRoutes(app, aisle);
  registerStatsRoutes(app, aisle);
}
