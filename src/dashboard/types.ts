/**
 * The shapes of the API responses the dashboard reads (docs/api.md). Declared here rather than
 * imported from the engine so that the browser build depends on nothing but the DOM.
 */

export interface Reason {
  kind: string;
  weight: number;
  evidence: { itemId?: string; title?: string; action?: string; category?: string; [key: string]: unknown };
  text?: string;
}

export interface RecommendedItem {
  itemId: string;
  title?: string;
  score: number;
  confidence: number | null;
  reasons: Reason[];
  text: string;
}

export interface RecommendationResult {
  items: RecommendedItem[];
  model: { name: string; version: number };
  scenario: string;
  coldStart?: boolean;
}

export interface Item {
  id: string;
  title: string;
  description?: string;
  categoryPath: string[];
  brand?: string;
  price?: number;
  currency?: string;
  sellerId?: string;
  attributes: Record<string, string | number | boolean>;
  tags: string[];
  available: boolean;
}

export interface SearchHit {
  itemId: string;
  score: number;
  title: string;
  reasons: Reason[];
  brand?: string;
  category?: string;
  price?: number;
}

export interface SearchResponse {
  hits: SearchHit[];
  facets: Record<string, Record<string, number>>;
  total: number;
  tookMs: number;
  page: number;
  pageSize: number;
}

export interface Suggestion {
  text: string;
  source: string;
  match: string;
  score: number;
}

export interface StoreStats {
  items: number;
  users: number;
  usersWithProtected: number;
  events: number;
  quarantined: number;
}

export interface ActivityStats {
  days: string[];
  byType: Record<string, number[]>;
  totals: Record<string, number>;
  topUsers: { userId: string; events: number }[];
  events: number;
}

export interface TrainedInfo {
  model: string;
  trainedAt: number;
  users: number;
  items: number;
  interactions: number;
  fitSeconds: number;
  calibration?: { samples: number; hitRate: number; steps: number };
  popularityCalibration?: { samples: number; hitRate: number; steps: number };
  similarCalibration?: { samples: number; hitRate: number; steps: number };
  config?: Record<string, unknown>;
}

export interface TrainingStatus {
  running: boolean;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastVersion: number | null;
  lastError: string | null;
}

export interface ModelState {
  served: (TrainedInfo & { version: number; loadedAt: number }) | null;
  training: TrainingStatus;
}

export interface StoredModels {
  artifacts: {
    name: string;
    version: number;
    createdAt: number;
    bytes: number;
    trained: TrainedInfo | null;
  }[];
  evaluations: { id: number; kind: string; createdAt: number; body: Record<string, unknown> }[];
}

export interface UserProfile {
  userId: string;
  categories: { name?: string; category?: string; share: number }[];
  brands: { name?: string; brand?: string; share: number }[];
  priceBand: { band: string; medianPrice: number } | null;
  events: number;
  activityLevel: string;
  segment: string;
  actions: Record<string, number>;
}

export interface QuarantineRecord {
  id: number;
  kind: string;
  source: string;
  line: number | null;
  problems: { field: string | null; reason: string; message: string }[];
  raw: string;
  record: Record<string, unknown> | null;
  status: string;
  createdAt: number;
  note: string | null;
}

export interface QuarantineList {
  records: QuarantineRecord[];
  byReason: Record<string, number>;
  next: number | null;
}

export interface Finding {
  flagId: number;
  subject: string;
  id: string;
  detector: string;
  score: number;
  action: string;
  status: string;
  reason: string;
  message: string;
  evidence: Record<string, unknown>;
  listedEvents: number;
}

export interface CheckPoint {
  runId: number;
  at: string;
  status: string;
  summary: string;
  metrics?: Record<string, number>;
}

export interface QualityReport {
  generatedAt: string;
  enabled: boolean;
  latest: { runId: number; status: string; at: string; source: string | null } | null;
  checks: Record<string, { latest: CheckPoint | null; trend: CheckPoint[] }>;
  findings: {
    total: number;
    byDetector: Record<string, Record<string, number>>;
    openActed: number;
    awaitingReview: number;
  };
  topUsers: Finding[];
  topItems: Finding[];
}
