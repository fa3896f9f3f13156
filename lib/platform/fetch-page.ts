import { browser } from 'wxt/browser';
import type { FetchPageReply } from '../messages';

export const FETCH_TIMEOUT_MS = 15_000;
export const MAX_PAGE_BYTES = 5_000_000;

/**
 * Fetch a web page for a KB import, from the worker (it holds the host permission the options
 * page asked for). Every failure is a sentence that says what to do.
 */
export async function fetchPage(url: string): Promise<FetchPageReply> {
  let origin: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, message: 'Only http:// and https:// pages can be imported.' };
    origin = `${parsed.protocol}//${parsed.hostname}/*`;
  } catch {
    return { ok: false, message: `"${url}" is not a web address.` };
  }
  if (!(await browser.permissions.contains({ origins: [origin] }))) {
    return { ok: false, message: `The copilot may not read ${origin.replace('/*', '')} yet. Allow it when asked, then import again.` };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(url, { signal: controller.signal, credentials: 'omit', redirect: 'follow' });
    if (!response.ok) return { ok: false, message: `The page answered ${response.status} ${response.statusText}. Check the address.` };
    const type = response.headers.get('content-type') ?? '';
    if (type && !/html|text\/plain|xml/i.test(type)) return { ok: false, message: `That address is not a web page (${type}). Import files with the file picker.` };
    const html = await response.text();
    if (html.length > MAX_PAGE_BYTES) return { ok: false, message: 'That page is larger than 5 MB; save the article as a file and import the file.' };
    return { ok: true, html, finalUrl: response.url || url };
  } catch (error) {
    if (controller.signal.aborted) return { ok: false, message: `The page did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds. Try again later.` };
    return { ok: false, message: `The page could not be reached (${error instanceof Error ? error.message : String(error)}). Check the address and your connection.` };
  } finally {
    clearTimeout(timer);
  }
}
