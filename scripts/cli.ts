import { readFileSync } from 'node:fs';

/** Print a message for the person at the terminal and exit with a usage error (2). */
export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** A file's text, or exit with a sentence naming the file and what it was for. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    fail(`Cannot read the ${what} file "${path}". Check the path.`);
  }
}
