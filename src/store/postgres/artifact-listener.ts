import pg from 'pg';

type ArtifactSaved = (artifact: { name: string; version: number }) => void;

/** Pause before re-connecting a dropped LISTEN connection. */
const RECONNECT_MS = 1000;

/**
 * One dedicated connection LISTENing on the artifact channel for all subscribers of a store. When it
 * drops (server restart, network) it reconnects after a second; notifications sent meanwhile are
 * lost, which is why API nodes also poll (`serving.modelRefreshSeconds`).
 */
export class ArtifactListener {
  private readonly listeners = new Set<ArtifactSaved>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: pg.PoolConfig,
    private readonly channel: string,
  ) {}

  /** Adds a subscriber (connecting on the first); returns its unsubscribe function. */
  add(listener: ArtifactSaved): () => void {
    this.listeners.add(listener);
    this.ensureConnected();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.disconnect();
    };
  }

  /** Resolves once the LISTEN is in place (tests wait for it before publishing). */
  async ready(): Promise<void> {
    await this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect();
  }

  private ensureConnected(): void {
    if (this.closed || this.client || this.connecting) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      let artifact: { name: string; version: number };
      try {
        artifact = JSON.parse(message.payload) as { name: string; version: number };
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(artifact);
    });
    const dropped = (): void => {
      if (this.client !== client) return;
      this.client = undefined;
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', dropped);
    client.on('end', dropped);
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
      if (this.closed || this.listeners.size === 0) {
        await client.end();
        return;
      }
      this.client = client;
    } catch {
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.listeners.size === 0 || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.ensureConnected();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  private async disconnect(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
