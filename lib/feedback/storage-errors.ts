/**
 * The browser refused to store more data. The recorder throws this instead of the raw storage
 * error, so any caller can tell a full disk from a bug and show `message` as it is: the event that
 * failed was not written, every event stored before it is still there.
 */
export class EventStorageFullError extends Error {
  readonly code = 'storage-full';

  constructor(what = 'The step you just took', options?: { cause?: unknown }) {
    super(
      `${what} could not be recorded because the browser's storage for Ticket Copilot is full. ` +
        'Everything recorded before is kept. Export your numbers (Options → Stats → Export), then delete old events there or free disk space, and try again.',
      options,
    );
    this.name = 'EventStorageFullError';
  }
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/**
 * Whether an error (or the error it wraps: Dexie puts the browser's error in `inner`, an aborted
 * transaction carries it as its cause) means the storage quota is used up.
 */
export function isQuotaError(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  if (error instanceof EventStorageFullError) return true;
  const name = 'name' in error ? error.name : undefined;
  if (typeof name === 'string' && QUOTA_NAMES.has(name)) return true;
  // DOMException code 22 is QUOTA_EXCEEDED_ERR in every engine.
  if ('code' in error && error.code === 22 && typeof DOMException !== 'undefined' && error instanceof DOMException) return true;
  // A failed bulk write lists each request's error.
  const failures = 'failures' in error && Array.isArray(error.failures) ? error.failures : [];
  if (failures.some((f) => isQuotaError(f, depth + 1))) return true;
  const inner = 'inner' in error ? error.inner : undefined;
  const cause = 'cause' in error ? error.cause : undefined;
  return isQuotaError(inner, depth + 1) || isQuotaError(cause, depth + 1);
}
