import { z } from 'zod';
import { TicketSchema } from '../ticket/schema';

/** What the copilot knows about one helpdesk tab. Kept outside the worker so a restart loses nothing. */
export const TabStateSchema = z.object({
  ticket: TicketSchema.nullable(),
  ticketKey: z.string().nullable(),
  readAt: z.number(),
  draftId: z.string().nullable(),
  /** The agent dismissed the draft: do not draft again until asked. */
  dismissed: z.boolean(),
  /** A reply was sent on this ticket since the draft was made. */
  sent: z.boolean(),
  error: z.string().nullable(),
  /** Why the page gave no ticket, in a sentence for the agent. */
  noTicket: z.string().nullable().default(null),
  /** A no-AI policy applies: the note for the agent. */
  noAi: z.string().nullable().default(null),
  /** A model drafts on request here and the agent has not asked yet: the panel offers the Draft button. */
  awaitingRequest: z.boolean().default(false),
  /** The agent asked for a model draft for this ticket (a restarted worker asks again). */
  requested: z.boolean().default(false),
  /** Shadow mode: the draft made for this ticket, recorded but not shown. */
  shadowDraftId: z.string().nullable().default(null),
});
export type TabState = z.infer<typeof TabStateSchema>;

export interface TabStore {
  get(tabId: number): Promise<TabState | undefined>;
  set(tabId: number, state: TabState): Promise<void>;
  delete(tabId: number): Promise<void>;
  /** The helpdesk tab an unpinned side panel follows. */
  getFollowed(): Promise<number | null>;
  setFollowed(tabId: number | null): Promise<void>;
}

/** An in-memory store, for tests and the CLIs. */
export class MemoryTabStore implements TabStore {
  private readonly states = new Map<number, TabState>();
  private followed: number | null = null;
  async get(tabId: number): Promise<TabState | undefined> {
    return this.states.get(tabId);
  }
  async set(tabId: number, state: TabState): Promise<void> {
    this.states.set(tabId, state);
  }
  async delete(tabId: number): Promise<void> {
    this.states.delete(tabId);
  }
  async getFollowed(): Promise<number | null> {
    return this.followed;
  }
  async setFollowed(tabId: number | null): Promise<void> {
    this.followed = tabId;
  }
}
