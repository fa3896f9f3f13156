import type { CopilotDb } from '../db';
import type { AnswerCache, CachedAnswer } from './model-step';

/** How many model answers the cache keeps; the oldest go first. */
export const ANSWER_CACHE_LIMIT = 500;

/**
 * Model answers in Dexie, keyed by a hash of the exact prompt, the KB version and the model
 * settings. Answers are stored masked (placeholders, not personal data).
 */
export class DexieAnswerCache implements AnswerCache {
  constructor(
    private readonly db: CopilotDb,
    private readonly now: () => number = Date.now,
    private readonly limit = ANSWER_CACHE_LIMIT,
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const row = await this.db.modelCache.get(key);
    return row ? (row.value as CachedAnswer) : undefined;
  }

  async put(key: string, value: CachedAnswer): Promise<void> {
    await this.db.transaction('rw', this.db.modelCache, async () => {
      await this.db.modelCache.put({ key, value, createdAt: this.now() });
      const count = await this.db.modelCache.count();
      if (count > this.limit) {
        const oldest = await this.db.modelCache.orderBy('createdAt').limit(count - this.limit).primaryKeys();
        await this.db.modelCache.bulkDelete(oldest);
      }
    });
  }
}
