import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './extension-browser';

/** A benchmark entry from `scripts/` bundled as one script a page can load (the extension's own code inside). */
export async function browserBundle(entry: string, what: string): Promise<string> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'scripts', entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`The ${what} bundle came out empty.`);
  return out.text;
}
