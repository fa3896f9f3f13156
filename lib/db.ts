import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import type { KbChunk } from './kb/chunk';
import type { KbDoc } from './kb/schema';
import type { Draft } from './drafting/schema';
import type { CopilotEvent } from './feedback/events';

/** A draft as stored: the draft plus where and when it was made. */
export interface DraftRecord extends Draft {
  ticketKey: string;
  helpdesk: string;
  tabId: number | null;
  /** When the content script read the ticket (ms since epoch): the start of `latencyMs`. */
  readAt: number;
  createdAt: number;
  /** The pilot this draft was made under (stamped on its events), and whether it was a shadow draft. */
  pilotId?: string | null;
  cohort?: string | null;
  shadow?: boolean;
  /** For the drift check: the masked query text (subject and the customer's words) and the best passage's coverage. */
  drift?: { text: string; coverage: number };
}

export interface KbDocRecord extends KbDoc {
  language: string;
  updatedAt: number;
  source: string;
}

/** Small key–value rows: per-agent sequence counters, the KB version, the lexical index snapshot. */
export interface MetaRecord {
  key: string;
  value: unknown;
}

/** A chunk's embedding vector for one embedding model (issue: hybrid retrieval). */
export interface EmbeddingRecord {
  /** `${model}\u0000${chunkId}` */
  key: string;
  chunkId: string;
  model: string;
  /** Hash of the embedded text: a changed chunk is embedded again. */
  textHash: string;
  vector: Float32Array;
  createdAt: number;
}

/** A model draft kept for identical input (ticket content + KB version + settings). */
export interface ModelCacheRecord {
  key: string;
  value: unknown;
  createdAt: number;
}

/** The outcome of one shown draft, kept up to date as its events arrive (stats need not rescan events). */
export interface OutcomeRecord {
  draftId: string;
  agentId: string;
  shownAt: string;
  value: unknown;
}

/**
 * Imported events, stored packed: up to a few thousand events of one agent in `seq` order as NDJSON
 * text (each line exactly as the export writes it). IndexedDB costs about as much per record as
 * per kilobyte, so 100,000 imported events as 50 records store and read in a fraction of the time
 * 100,000 records take. Locally recorded events stay one record each in `events`.
 */
export interface EventPackRecord {
  /** `${agentId}\u0000${firstSeq, 16 digits}\u0000${first event id}`: agent, then seq order; unique. */
  key: string;
  agentId: string;
  firstSeq: number;
  lastSeq: number;
  /** Earliest and latest `at` of the pack's events, in ms since the epoch (retention, date ranges). */
  minAtMs: number;
  maxAtMs: number;
  count: number;
  /** The events' ids as a JSON array (duplicate checks read these without parsing the events). */
  ids: string;
  /** Distinct draft ids and ticket keys of the events (multi-entry indexes). */
  draftIds: string[];
  ticketKeys: string[];
  /** The events, one export line each, joined by `\n` (no trailing newline). */
  events: string;
}

export const DB_NAME = 'ticket-copilot';

/**
 * The one Dexie schema. Each change is a new numbered version with an `upgrade()`; a test opens a
 * database of every earlier version and checks its events survive. Only queried fields are indexed.
 */
export class CopilotDb extends Dexie {
  events!: EntityTable<CopilotEvent, 'id'>;
  drafts!: EntityTable<DraftRecord, 'draftId'>;
  kbDocs!: EntityTable<KbDocRecord, 'id'>;
  kbChunks!: EntityTable<KbChunk, 'chunkId'>;
  meta!: EntityTable<MetaRecord, 'key'>;
  embeddings!: EntityTable<EmbeddingRecord, 'key'>;
  modelCache!: EntityTable<ModelCacheRecord, 'key'>;
  outcomes!: EntityTable<OutcomeRecord, 'draftId'>;
  eventPacks!: EntityTable<EventPackRecord, 'key'>;

  constructor(name: string = DB_NAME, options?: DexieOptions) {
    super(name, options);
    // v1: the event log and its counters.
    this.version(1).stores({
      events: 'id, [agentId+seq], draftId, ticketKey',
      meta: 'key',
    });
    // v2: drafts and the knowledge base move into the database; events gain an `at` index for
    // date-range exports, and v1 events (written before pilots existed) get explicit nulls.
    this.version(2)
      .stores({
        events: 'id, [agentId+seq], draftId, ticketKey, at',
        drafts: 'draftId, ticketKey, createdAt',
        kbDocs: 'id, kind',
        kbChunks: 'chunkId, docId',
        meta: 'key',
      })
      .upgrade((tx) =>
        tx
          .table('events')
          .toCollection()
          .modify((event: Record<string, unknown>) => {
            for (const field of ['pilotId', 'cohort', 'variant']) if (event[field] === undefined) event[field] = null;
          }),
      );
    // v3: embedding vectors per chunk and model, the model-draft cache, per-draft outcome rows.
    this.version(3).stores({
      embeddings: 'key, model, chunkId',
      modelCache: 'key, createdAt',
      outcomes: 'draftId, shownAt, agentId',
    });
    // v4: imported events stored packed (lib/feedback/event-store.ts); nothing existing moves.
    this.version(4).stores({
      eventPacks: 'key, minAtMs, *draftIds, *ticketKeys',
    });
  }
}
