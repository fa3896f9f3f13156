/**
 * Serves the demo helpdesk (Tidydesk, in `demo/`) until interrupted.
 *
 *   tsx scripts/demo.ts [--port N] [--host H]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_HOST, DEFAULT_DEMO_PORT, startDemoServer, type DemoServer } from './demo-server';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_DEMO_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    fail(`Invalid --port "${raw}": expected a number from 0 to 65535`);
  }
  return port;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

async function main(): Promise<void> {
  let values: { port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\nUsage: tsx scripts/demo.ts [--port N] [--host H]`);
  }

  if (values.help) {
    console.log('Usage: tsx scripts/demo.ts [--port N] [--host H]');
    console.log(`Serves the demo helpdesk from demo/ (default http://${DEFAULT_DEMO_HOST}:${DEFAULT_DEMO_PORT}/).`);
    return;
  }

  const port = parsePort(values.port);
  const host = values.host ?? DEFAULT_DEMO_HOST;

  let server: DemoServer;
  try {
    server = await startDemoServer({ port, host });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EADDRINUSE') fail(`Port ${port} is in use; pass --port to pick another`);
    if (code === 'EADDRNOTAVAIL') fail(`Cannot listen on host ${host}; pass --host to pick another`);
    fail(`Could not start the demo helpdesk: ${error instanceof Error ? error.message : String(error)}`);
  }

  console.log(`Demo helpdesk: ${server.url}`);
  console.log('First ticket:  ' + new URL('tickets/1001.html', server.url).href);
  console.log('Press Ctrl+C to stop.');

  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
