import { type Event, eventWeight } from '../../core/event.js';

/**
 * Behaviour events as columns, with users and items numbered: what the splitters cut and the
 * training-data builder aggregates. Events without an item (searches) and of weight 0 are left out.
 */
export interface InteractionLog {
  userIds: string[];
  itemIds: string[];
  /** Per event: user index, item index. */
  user: Int32Array;
  item: Int32Array;
  /** Per event: its training weight (from the configured per-type weights). */
  weight: Float32Array;
  /** Per event: epoch ms. */
  timestamp: Float64Array;
  /** Per event: index into `types`. */
  type: Uint8Array;
  types: string[];
  /** Per event: the rating or other value, NaN when absent. */
  value: Float32Array;
  /** Per event: the basket (session, else user and day) of a cart or purchase, -1 for other events. */
  basket: Int32Array;
  basketCount: number;
}

export interface LogOptions {
  /** Training weight per event type (config `events.weights`). */
  weights: Readonly<Record<string, number>>;
  ratingMax: number;
  /** Users and items numbered in advance (to keep indices stable); new ones are appended. */
  userIds?: string[];
  itemIds?: string[];
}

const BASKET_TYPES = new Set(['cart', 'purchase']);
const DAY_MS = 86_400_000;

/**
 * Builds the columnar log from events (in any order). Incremental: call `add` per batch of events
 * read from a store, then `finish`.
 */
export class InteractionLogBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly typeIndex = new Map<string, number>();
  private readonly basketIndex = new Map<string, number>();
  private readonly userIds: string[];
  private readonly itemIds: string[];
  private readonly types: string[] = [];
  private user: number[] = [];
  private item: number[] = [];
  private weight: number[] = [];
  private timestamp: number[] = [];
  private type: number[] = [];
  private value: number[] = [];
  private basket: number[] = [];

  constructor(private readonly options: LogOptions) {
    this.userIds = [...(options.userIds ?? [])];
    this.itemIds = [...(options.itemIds ?? [])];
    this.userIds.forEach((id, index) => this.userIndex.set(id, index));
    this.itemIds.forEach((id, index) => this.itemIndex.set(id, index));
  }

  /**
   * Events read with `Store.scanTrainingEvents` carry the quality gate's weight (docs/quality.md),
   * which scales the type weight: down-weighted events count less, excluded ones not at all.
   */
  add(events: Iterable<Event & { weight?: number }>): void {
    for (const event of events) {
      if (event.itemId === undefined) continue;
      const weight = eventWeight(event, this.options.weights, this.options.ratingMax) * (event.weight ?? 1);
      if (!(weight > 0)) continue;
      const user = index(this.userIndex, this.userIds, event.userId);
      this.user.push(user);
      this.item.push(index(this.itemIndex, this.itemIds, event.itemId));
      this.weight.push(weight);
      this.timestamp.push(event.timestamp);
      this.type.push(index(this.typeIndex, this.types, event.type));
      this.value.push(event.value ?? Number.NaN);
      if (BASKET_TYPES.has(event.type)) {
        const key =
          event.sessionId !== undefined
            ? `s\u0000${event.sessionId}`
            : `u\u0000${user}\u0000${Math.floor(event.timestamp / DAY_MS)}`;
        this.basket.push(this.basketIndex.get(key) ?? this.newBasket(key));
      } else this.basket.push(-1);
    }
  }

  finish(): InteractionLog {
    return {
      userIds: this.userIds,
      itemIds: this.itemIds,
      user: Int32Array.from(this.user),
      item: Int32Array.from(this.item),
      weight: Float32Array.from(this.weight),
      timestamp: Float64Array.from(this.timestamp),
      type: Uint8Array.from(this.type),
      types: this.types,
      value: Float32Array.from(this.value),
      basket: Int32Array.from(this.basket),
      basketCount: this.basketIndex.size,
    };
  }

  private newBasket(key: string): number {
    const id = this.basketIndex.size;
    this.basketIndex.set(key, id);
    return id;
  }
}

function index(map: Map<string, number>, list: string[], id: string): number {
  let at = map.get(id);
  if (at === undefined) {
    at = list.length;
    map.set(id, at);
    list.push(id);
  }
  return at;
}

/** The events of `log` at the given positions, keeping the dictionaries (indices stay valid). */
export function selectEvents(log: InteractionLog, positions: Int32Array): InteractionLog {
  const pick = <T extends Int32Array | Float32Array | Float64Array | Uint8Array>(array: T): T => {
    const out = new (array.constructor as new (length: number) => T)(positions.length);
    for (let n = 0; n < positions.length; n++) out[n] = array[positions[n]!]!;
    return out;
  };
  return {
    ...log,
    user: pick(log.user),
    item: pick(log.item),
    weight: pick(log.weight),
    timestamp: pick(log.timestamp),
    type: pick(log.type),
    value: pick(log.value),
    basket: pick(log.basket),
  };
}

/** Builds a log from an array of events in one call. */
export function interactionLogFromEvents(events: Iterable<Event>, options: LogOptions): InteractionLog {
  const builder = new InteractionLogBuilder(options);
  builder.add(events);
  return builder.finish();
}
