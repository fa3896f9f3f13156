// @vitest-environment happy-dom
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADAPTERS, SPECIFIC_ADAPTERS } from '../../lib/ticket/adapters/index';
import { pickAdapter, readTicket } from '../../lib/ticket/reader';
import { TicketSchema } from '../../lib/ticket/schema';

/**
 * Every adapter fixture (tests/fixtures/adapters/<id>/NAME.html + NAME.expected.json) is read with
 * the adapter the page picks, and checked against what it must give. See the README beside them.
 */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/adapters');

const Expected = z.object({
  url: z.string().url(),
  imitates: z.string().min(10),
  adapter: z.string(),
  ticket: z
    .object({
      ticketId: z.string(),
      subject: z.string(),
      requester: z.object({ name: z.string().optional(), email: z.string().optional() }),
      messageCount: z.number().int().nonnegative(),
      roles: z.array(z.enum(['customer', 'agent', 'note'])).optional(),
      authors: z.array(z.string().nullable()).optional(),
      tags: z.array(z.string()).optional(),
      priority: z.string().optional(),
      language: z.string().optional(),
      texts: z
        .array(z.object({ index: z.number().int(), includes: z.array(z.string()).default([]), excludes: z.array(z.string()).default([]) }))
        .default([]),
    })
    .nullable(),
});

interface Fixture {
  adapterDir: string;
  name: string;
  html: string;
  expected: z.infer<typeof Expected>;
}

function loadFixtures(): Fixture[] {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(FIXTURES, dir.name))
        .filter((f) => f.endsWith('.html'))
        .map((file) => {
          const name = file.replace(/\.html$/, '');
          const expectedPath = join(FIXTURES, dir.name, `${name}.expected.json`);
          if (!existsSync(expectedPath)) throw new Error(`${dir.name}/${file} has no ${name}.expected.json beside it.`);
          return {
            adapterDir: dir.name,
            name,
            html: readFileSync(join(FIXTURES, dir.name, file), 'utf8'),
            expected: Expected.parse(JSON.parse(readFileSync(expectedPath, 'utf8'))),
          };
        }),
    );
}

const fixtures = loadFixtures();

function parse(html: string): Document {
  // Scripts in a saved page never run in tests, and stylesheets are not fetched: the DOM is what the adapter reads.
  return new DOMParser().parseFromString(html.replace(/<link\b[^>]*>/gi, ''), 'text/html');
}

const REQUIRED = ['ticket', 'long-thread', 'quoted-history', 'html-in-body', 'non-english', 'empty', 'not-a-ticket'];

describe('every adapter has its fixtures', () => {
  it.each(SPECIFIC_ADAPTERS.filter((a) => a.id !== 'tidydesk').map((a) => a.id))('%s', (id) => {
    const names = fixtures.filter((f) => f.adapterDir === id).map((f) => f.name);
    for (const required of REQUIRED) expect(names, `${id} needs a ${required} fixture`).toContain(required);
    expect(names.length).toBeGreaterThan(REQUIRED.length);
  });
});

describe.each(fixtures.map((f) => [`${f.adapterDir}/${f.name}`, f] as const))('%s', (_label, fixture) => {
  const doc = parse(fixture.html);
  const url = new URL(fixture.expected.url);
  const adapter = pickAdapter(url, doc);

  it('is picked by the right adapter', () => {
    expect(adapter.id).toBe(fixture.expected.adapter);
    expect(ADAPTERS.some((a) => a.id === adapter.id)).toBe(true);
  });

  it('reads as expected', () => {
    const ticket = readTicket(adapter, doc, url);
    const want = fixture.expected.ticket;
    if (want === null) {
      expect(ticket).toBeNull();
      return;
    }
    expect(ticket).not.toBeNull();
    if (!ticket) return;
    expect(TicketSchema.safeParse(ticket).success).toBe(true);
    expect(ticket.helpdesk).toBe(fixture.expected.adapter);
    expect(ticket.ticketId).toBe(want.ticketId);
    expect(ticket.subject).toBe(want.subject);
    expect(ticket.requester).toEqual(want.requester);
    expect(ticket.messages).toHaveLength(want.messageCount);
    if (want.roles) expect(ticket.messages.map((m) => m.role)).toEqual(want.roles);
    if (want.authors) expect(ticket.messages.map((m) => m.author ?? null)).toEqual(want.authors);
    if (want.tags) expect(ticket.tags).toEqual(want.tags);
    if (want.priority) expect(ticket.priority).toBe(want.priority);
    if (want.language) expect(ticket.language).toBe(want.language);
    for (const check of want.texts) {
      const target = ticket.messages.at(check.index);
      expect(target, `message ${check.index} exists`).toBeDefined();
      const text = target?.text ?? '';
      for (const s of check.includes) expect(text, `message ${check.index}`).toContain(s);
      for (const s of check.excludes) expect(text, `message ${check.index}`).not.toContain(s);
    }
    // Messages are in chronological order wherever they carry times.
    const times = ticket.messages.map((m) => (m.at ? Date.parse(m.at) : Number.NaN)).filter((t) => !Number.isNaN(t));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Text only: no markup and nothing of a script inside a body survives.
    for (const m of ticket.messages) expect(m.text).not.toMatch(/<\/?(script|div|p|span|img)\b/i);
  });

  if (fixture.expected.ticket) {
    it('has a reply editor', () => {
      expect(adapter.editor(doc)).not.toBeNull();
    });
  }
});
