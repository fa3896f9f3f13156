import type { BackgroundToContent } from './messages';

/**
 * The content script's side of the message contract (lib/messages.ts), without zod: the content
 * script runs in every helpdesk tab, so it stays small. It accepts exactly the shapes the zod
 * schemas describe; tests check both agree.
 */
export function parseBackgroundToContent(raw: unknown): BackgroundToContent | null {
  if (typeof raw !== 'object' || raw === null || !('type' in raw)) return null;
  switch (raw.type) {
    case 'ticket/reread':
      return { type: 'ticket/reread' };
    case 'page/snapshot':
      return { type: 'page/snapshot' };
    case 'editor/insert': {
      const ticketKey = 'ticketKey' in raw ? raw.ticketKey : undefined;
      const text = 'text' in raw ? raw.text : undefined;
      return typeof ticketKey === 'string' && typeof text === 'string' ? { type: 'editor/insert', ticketKey, text } : null;
    }
    default:
      return null;
  }
}
