import type { Ticket } from './schema';

/**
 * One helpdesk. Adapters only read the DOM and report; they never talk to the extension.
 * `extract` returns null when the page shows no ticket (an inbox, a settings page …).
 */
export interface HelpdeskAdapter {
  /** Short stable id, stamped on events as `helpdesk`. */
  readonly id: string;
  matches(url: URL, doc: Document): boolean;
  extract(doc: Document, url: URL): Ticket | null;
  /** The element the agent types the reply into, or null when none is visible. */
  editor(doc: Document): HTMLElement | null;
  /**
   * Calls `onSent` with the reply text each time the agent sends (Send button, Ctrl/Cmd+Enter),
   * read before the helpdesk clears the editor. Listeners are removed when `signal` aborts.
   */
  onSend(doc: Document, onSent: (text: string) => void, signal: AbortSignal): void;
}
