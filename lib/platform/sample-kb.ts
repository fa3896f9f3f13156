import { browser } from 'wxt/browser';
import { parseKbJsonl } from '../kb/jsonl';
import type { KbDoc } from '../kb/schema';

export const SAMPLE_KB_PATH = '/kb/sample-kb.jsonl';

/** The bundled sample knowledge base, read from the extension package. */
export async function loadSampleKb(): Promise<KbDoc[]> {
  const response = await fetch(browser.runtime.getURL(SAMPLE_KB_PATH));
  if (!response.ok) throw new Error(`The bundled sample knowledge base is missing (${response.status}).`);
  const { docs, errors } = parseKbJsonl(await response.text());
  if (errors.length > 0) console.warn('Sample KB lines skipped:', errors);
  return docs;
}
