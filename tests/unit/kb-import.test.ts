// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../lib/kb/chunk';
import { importCsv } from '../../lib/kb/import/csv';
import { importHtml, idFromUrl } from '../../lib/kb/import/html';
import { htmlFragmentToText } from '../../lib/kb/import/html-text';
import { detectFormat, importFile, type ImportEnv } from '../../lib/kb/import/index';
import { importKbJsonArray, importKbJsonl } from '../../lib/kb/import/jsonl';
import { importMarkdown } from '../../lib/kb/import/markdown';
import { slugify, titleFromFileName } from '../../lib/kb/import/slug';
import { importText } from '../../lib/kb/import/text';
import { importZendeskHelpCenter } from '../../lib/kb/import/zendesk-help-center';

const env: ImportEnv = { parseHtml: (html) => new DOMParser().parseFromString(html, 'text/html') };

const ENGRAVING_PARAGRAPH =
  'Every oak and walnut chopping board can carry a short engraved gift message of up to forty characters, laser-etched on the back.';

// ── slugs and names ──────────────────────────────────────────────────────────────────────────────

describe('slugs and file names', () => {
  it('slugs any script, drops accents and punctuation', () => {
    expect(slugify('Engraving & Gift Messages!')).toBe('engraving-gift-messages');
    expect(slugify('Rücksendung – Übersicht')).toBe('rucksendung-ubersicht');
    expect(slugify('---')).toBe('');
  });

  it('makes a readable title from a file name', () => {
    expect(titleFromFileName('docs/gift-wrapping_options.md')).toBe('Gift wrapping options');
  });
});

// ── Markdown ─────────────────────────────────────────────────────────────────────────────────────

describe('importMarkdown', () => {
  it('takes the title from the first # heading and the id from the file name', () => {
    const { docs, errors } = importMarkdown({
      name: 'Engraving Gift Messages.md',
      text: `# Engraving a gift message\n\n${ENGRAVING_PARAGRAPH}\n\n## Which fonts\n\nChoose serif or script.\n`,
    });
    expect(errors).toEqual([]);
    expect(docs).toHaveLength(1);
    const doc = docs[0];
    expect(doc?.id).toBe('engraving-gift-messages');
    expect(doc?.title).toBe('Engraving a gift message');
    expect(doc?.kind).toBe('article');
    // The title heading is not repeated in the body; later headings stay for chunking.
    expect(doc?.body.startsWith(ENGRAVING_PARAGRAPH)).toBe(true);
    expect(doc?.body).toContain('## Which fonts');
  });

  it('honours front matter: id, title, tags (list or inline), url, kind, language', () => {
    const inline = importMarkdown({
      name: 'x.md',
      text: '---\nid: art-engraving\ntitle: "Engraving: what we can do"\ntags: [engraving, gifts]\nurl: https://help.example.com/engraving\nkind: macro\nlanguage: EN\n---\nBody text here.\n',
    });
    expect(inline.errors).toEqual([]);
    expect(inline.docs[0]).toMatchObject({
      id: 'art-engraving',
      title: 'Engraving: what we can do',
      tags: ['engraving', 'gifts'],
      url: 'https://help.example.com/engraving',
      kind: 'macro',
      language: 'en',
      body: 'Body text here.',
    });
    const listed = importMarkdown({ name: 'y.md', text: '---\ntags:\n  - boards\n  - "oak"\n---\n# Boards\n\nOak boards.\n' });
    expect(listed.docs[0]?.tags).toEqual(['boards', 'oak']);
    expect(listed.docs[0]?.title).toBe('Boards');
  });

  it('uses the file name as title when there is no heading', () => {
    const { docs, errors } = importMarkdown({ name: 'care-of-wooden-boards.md', text: 'Oil the board once a month with food-safe oil.\n' });
    expect(errors).toEqual([]);
    expect(docs[0]?.title).toBe('Care of wooden boards');
    expect(docs[0]?.id).toBe('care-of-wooden-boards');
    expect(docs[0]?.body).toBe('Oil the board once a month with food-safe oil.');
  });

  it('reports a bad front-matter line and a bad kind with their lines, and still imports', () => {
    const { docs, errors } = importMarkdown({ name: 'bad.md', text: '---\ntitle: Fine\nthis is not a field\nkind: recipe\n---\nText.\n' });
    expect(docs).toHaveLength(1);
    expect(docs[0]?.kind).toBe('article');
    expect(errors.map((e) => e.line)).toEqual([3, 4]);
    expect(errors[1]?.message).toMatch(/neither "article" nor "macro"/);
    expect(errors.every((e) => e.file === 'bad.md')).toBe(true);
  });

  it('reports unclosed front matter and imports the text', () => {
    const { docs, errors } = importMarkdown({ name: 'open.md', text: '---\ntitle: x\n\nSome text.' });
    expect(docs).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'open.md', line: 1 });
    expect(errors[0]?.message).toMatch(/no closing "---"/);
  });

  it('rejects an empty file and a heading without text', () => {
    expect(importMarkdown({ name: 'empty.md', text: '  \n' }).errors[0]?.message).toMatch(/empty/);
    const onlyTitle = importMarkdown({ name: 't.md', text: '# Just a title\n' });
    expect(onlyTitle.docs).toEqual([]);
    expect(onlyTitle.errors[0]?.message).toMatch(/no article text/);
  });
});

// ── plain text ───────────────────────────────────────────────────────────────────────────────────

describe('importText', () => {
  it('takes the first line as title', () => {
    const { docs, errors } = importText({ name: 'Gift boxes.txt', text: '\uFEFFGift boxes\r\n\r\nEvery board ships in a kraft box.\r\nRibbon is free.' });
    expect(errors).toEqual([]);
    expect(docs[0]).toMatchObject({ id: 'gift-boxes', title: 'Gift boxes', body: 'Every board ships in a kraft box.\nRibbon is free.', kind: 'article' });
  });

  it('reports an empty file and a title-only file', () => {
    expect(importText({ name: 'e.txt', text: '' }).errors[0]).toMatchObject({ file: 'e.txt' });
    expect(importText({ name: 'one.txt', text: 'Only a title' }).errors[0]).toMatchObject({ file: 'one.txt', line: 1 });
  });
});

// ── HTML ─────────────────────────────────────────────────────────────────────────────────────────

const ARTICLE_PAGE = `<!doctype html>
<html lang="en-GB"><head><title>Engraving service · Fernhill Help</title>
<meta name="keywords" content="engraving, gifts">
<link rel="canonical" href="https://help.example.com/engraving">
<script>window.tracking = "SECRET_TRACKER";</script><style>.x{color:red}</style></head>
<body>
<nav><a href="/">Home</a> <a href="/help">Help</a></nav>
<article>
<h1>Engraving service</h1>
<p>${ENGRAVING_PARAGRAPH} We check every message by hand before the laser runs, so allow two extra working days.</p>
<h2>What you can engrave</h2>
<p>Up to forty characters in one of three fonts: serif, script or block capitals. Emoji cannot be engraved.</p>
<ul><li>Oak boards</li><li>Walnut boards</li></ul>
<h3>Changing the message</h3>
<p>You can change the message until the order is dispatched by replying to your confirmation email.<br>After that the board is already engraved.</p>
<script>document.write("INJECTED")</script>
</article>
<footer>© Fernhill Supply</footer>
</body></html>`;

describe('importHtml', () => {
  it('keeps the article, turns headings into ## lines, keeps paragraph breaks and drops scripts', () => {
    const { docs, errors } = importHtml({ name: 'engraving.html', text: ARTICLE_PAGE }, env);
    expect(errors).toEqual([]);
    const doc = docs[0];
    expect(doc?.id).toBe('engraving');
    expect(doc?.title).toMatch(/Engraving service/);
    expect(doc?.body).toContain('## What you can engrave');
    expect(doc?.body).toContain('### Changing the message');
    expect(doc?.body).toContain('- Oak boards\n- Walnut boards');
    expect(doc?.body).toMatch(/two extra working days\.\n\n## What you can engrave\n\nUp to forty characters/);
    expect(doc?.body).not.toMatch(/SECRET_TRACKER|INJECTED|color:red/);
    expect(doc?.url).toBe('https://help.example.com/engraving');
    expect(doc?.tags).toEqual(['engraving', 'gifts']);
    expect(doc?.language).toBe('en');
  });

  it('chunks the imported article by its headings', () => {
    const doc = importHtml({ name: 'engraving.html', text: ARTICLE_PAGE }, env).docs[0];
    expect(doc).toBeDefined();
    if (!doc) return;
    const long = { ...doc, body: doc.body.replace(ENGRAVING_PARAGRAPH, `${ENGRAVING_PARAGRAPH} ${'Filler words for length. '.repeat(60)}`) };
    const chunks = chunkDocument(long, 'en');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.some((c) => c.heading === 'What you can engrave')).toBe(true);
  });

  it('accepts a Document the caller already parsed, and leaves it unchanged', () => {
    const parsed = env.parseHtml(ARTICLE_PAGE);
    const before = parsed.documentElement.outerHTML;
    const { docs } = importHtml({ name: 'engraving.htm', text: ARTICLE_PAGE }, parsed);
    expect(docs[0]?.body).toContain('## What you can engrave');
    expect(parsed.documentElement.outerHTML).toBe(before);
  });

  it('gives a URL import a stable id and the page address', () => {
    const { docs } = importHtml({ name: 'https://help.example.com/hc/engraving?x=1', text: ARTICLE_PAGE }, env, { url: 'https://help.example.com/hc/engraving?x=1' });
    expect(docs[0]?.id).toBe('web-help-example-com-hc-engraving');
    expect(docs[0]?.url).toBe('https://help.example.com/hc/engraving?x=1');
    expect(idFromUrl('not a url')).toBe('web-not-a-url');
  });

  it('falls back to the page text when there is no article, and reports a page without text', () => {
    const small = importHtml({ name: 'small.htm', text: '<html><body><div>Short note about board oil: use food-safe oil monthly.</div></body></html>' }, env);
    expect(small.errors).toEqual([]);
    expect(small.docs[0]?.body).toContain('food-safe oil');
    expect(small.docs[0]?.title).toBe('Small');
    const empty = importHtml({ name: 'blank.html', text: '<html><body><script>render()</script></body></html>' }, env);
    expect(empty.docs).toEqual([]);
    expect(empty.errors[0]?.message).toMatch(/no readable article text/);
  });

  it('converts an HTML fragment: headings, lists, tables, breaks', () => {
    const text = htmlFragmentToText('<h2>Steps</h2><ol><li>One</li><li>Two</li></ol><table><tr><th>Size</th><th>Price</th></tr><tr><td>S</td><td>£5</td></tr></table><p>a<br>b</p>', env.parseHtml);
    expect(text).toBe('## Steps\n\n1. One\n2. Two\n\nSize | Price\nS | £5\n\na\nb');
  });
});

// ── CSV ──────────────────────────────────────────────────────────────────────────────────────────

describe('importCsv', () => {
  it('reads macros with quoted commas, quotes and line breaks; headers in any case; tags by , or ;', () => {
    const csv = [
      'Title,BODY,Tags,Language',
      '"Engraving – message too long","Hi {{ticket.requester.first_name}},\n\nEngraving fits up to 40 characters, ""emoji"" excluded.","engraving, gifts",EN',
      'Engraving – change message,You can change it before dispatch.,engraving;orders,',
    ].join('\r\n');
    const { docs, errors } = importCsv({ name: 'macros.csv', text: csv });
    expect(errors).toEqual([]);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({
      id: 'macro-engraving-message-too-long',
      kind: 'macro',
      tags: ['engraving', 'gifts'],
      language: 'en',
    });
    expect(docs[0]?.body).toBe('Hi {{ticket.requester.first_name}},\n\nEngraving fits up to 40 characters, "emoji" excluded.');
    expect(docs[1]?.tags).toEqual(['engraving', 'orders']);
    expect(docs[1]?.language).toBeUndefined();
  });

  it('honours id, kind and url columns, and semicolon-separated files', () => {
    const csv = 'id;title;body;kind;url\nm-1;Board care;Oil monthly.;article;https://help.example.com/care\n';
    const { docs, errors } = importCsv({ name: 'x.csv', text: csv });
    expect(errors).toEqual([]);
    expect(docs[0]).toMatchObject({ id: 'm-1', kind: 'article', url: 'https://help.example.com/care' });
  });

  it('reports a row without a title or body with its line number (after a multi-line field) and imports the rest', () => {
    const csv = ['title,body,tags', 'A,"line one', 'line two",x', ',missing title,y', 'B,,z', '', 'C,fine,w'].join('\n');
    const { docs, errors } = importCsv({ name: 'bad.csv', text: csv });
    expect(docs.map((d) => d.title)).toEqual(['A', 'C']);
    expect(errors).toEqual([
      { file: 'bad.csv', line: 4, message: expect.stringMatching(/has no title,/) },
      { file: 'bad.csv', line: 5, message: expect.stringMatching(/has no body,/) },
    ]);
  });

  it('reports a row with too many fields, a bad kind, a duplicate id and an unclosed quote', () => {
    const csv = ['title,body', 'A,one, two', 'B,ok', 'B,again', 'C,"never closed', 'D,lost'].join('\n');
    const withKind = importCsv({ name: 'k.csv', text: 'title,body,kind\nX,y,faq\n' });
    expect(withKind.errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/"faq"/) });
    const { docs, errors } = importCsv({ name: 'q.csv', text: csv });
    expect(docs.map((d) => d.title)).toEqual(['B']);
    expect(errors.map((e) => e.line)).toEqual([2, 4, 5]);
    expect(errors[0]?.message).toMatch(/3 fields but the header has 2/);
    expect(errors[1]?.message).toMatch(/same id "macro-b" as line 3/);
    expect(errors[2]?.message).toMatch(/never closes/);
  });

  it('rejects a file whose header lacks the title or body column', () => {
    const { docs, errors } = importCsv({ name: 'cols.csv', text: 'name_of_thing,text_thing\nx,y\n' });
    expect(docs).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'cols.csv', line: 1 });
    expect(errors[0]?.message).toMatch(/no "title" or "body" column/);
    const onlyBody = importCsv({ name: 'b.csv', text: 'Body\nx\n' });
    expect(onlyBody.errors[0]?.message).toMatch(/no "title" column/);
  });

  it('reports an empty file', () => {
    expect(importCsv({ name: 'e.csv', text: '\n' }).errors[0]?.message).toMatch(/empty/);
  });
});

// ── Zendesk Help Center ──────────────────────────────────────────────────────────────────────────

describe('importZendeskHelpCenter', () => {
  const exportJson = JSON.stringify(
    {
      articles: [
        {
          id: 360001,
          title: 'Engraving a gift message',
          body: '<p>We engrave up to 40 characters.</p><h2>Fonts</h2><p>Serif or script.</p><script>alert(1)</script>',
          html_url: 'https://fernhill.zendesk.com/hc/en-gb/articles/360001-Engraving',
          label_names: ['engraving', 'gifts'],
          locale: 'en-gb',
          draft: false,
          section_id: 5,
        },
        { id: 360002, title: 'Unfinished', body: '<p>Draft text</p>', draft: true, locale: 'en-gb' },
        { id: 360003, body: '<p>No title here</p>', locale: 'en-gb' },
        'not an article',
      ],
      next_page: null,
      count: 4,
    },
    null,
    2,
  );

  it('imports published articles, skips drafts with a note and reports malformed ones', () => {
    const { docs, errors, notes } = importZendeskHelpCenter({ name: 'articles.json', text: exportJson }, env);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      id: 'zd-360001',
      title: 'Engraving a gift message',
      url: 'https://fernhill.zendesk.com/hc/en-gb/articles/360001-Engraving',
      tags: ['engraving', 'gifts'],
      language: 'en',
      kind: 'article',
    });
    expect(docs[0]?.body).toBe('We engrave up to 40 characters.\n\n## Fonts\n\nSerif or script.');
    expect(notes).toHaveLength(1);
    expect(notes?.[0]?.message).toMatch(/Article 360002 is a draft/);
    expect(notes?.[0]?.line).toBeGreaterThan(1);
    expect(errors).toHaveLength(2);
    expect(errors[0]?.message).toMatch(/Article 360003 has no title/);
    expect(errors[0]?.line).toBe(exportJson.split('\n').findIndex((l) => l.includes('360003')) + 1);
    expect(errors[1]?.message).toMatch(/Article 4 in the list is not an object/);
  });

  it('accepts a bare array of articles', () => {
    const { docs } = importZendeskHelpCenter({ name: 'a.json', text: JSON.stringify([{ id: 7, title: 'T', body: '<p>Body</p>', html_url: 'https://x.zendesk.com/hc/articles/7' }]) }, env);
    expect(docs.map((d) => d.id)).toEqual(['zd-7']);
  });

  it('reports invalid JSON with a line, and JSON that is not an export', () => {
    const broken = importZendeskHelpCenter({ name: 'broken.json', text: '{\n  "articles": [\n    {"id": 1,}\n  ]\n}' }, env);
    expect(broken.docs).toEqual([]);
    expect(broken.errors[0]?.message).toMatch(/not valid JSON/);
    expect(broken.errors[0]?.line).toBe(3);
    const other = importZendeskHelpCenter({ name: 'other.json', text: '{"tickets": []}' }, env);
    expect(other.errors[0]?.message).toMatch(/no "articles" list/);
  });
});

// ── JSON Lines and JSON arrays ───────────────────────────────────────────────────────────────────

describe('KB JSON Lines and JSON arrays', () => {
  it('imports good lines and reports bad ones by line', () => {
    const text = ['{"id":"a","title":"A","body":"x"}', 'not json', '{"id":"b","title":"B"}', '{"id":"c","title":"C","body":"z","kind":"macro"}'].join('\n');
    const { docs, errors } = importKbJsonl({ name: 'kb.jsonl', text });
    expect(docs.map((d) => d.id)).toEqual(['a', 'c']);
    expect(errors.map((e) => [e.file, e.line])).toEqual([
      ['kb.jsonl', 2],
      ['kb.jsonl', 3],
    ]);
    expect(errors[1]?.message).toMatch(/body/);
  });

  it('imports a JSON array of entries and reports a bad entry', () => {
    const { docs, errors } = importKbJsonArray({ name: 'kb.json', text: '[{"id":"a","title":"A","body":"x"},{"title":"no id"}]' });
    expect(docs.map((d) => d.id)).toEqual(['a']);
    expect(errors[0]?.message).toMatch(/Entry 2 in the list/);
  });
});

// ── detection and dispatch ───────────────────────────────────────────────────────────────────────

describe('detectFormat and importFile', () => {
  it('detects by extension and, for .json and names without one, by content', () => {
    expect(detectFormat('a.MD', '')).toBe('markdown');
    expect(detectFormat('a.markdown', '')).toBe('markdown');
    expect(detectFormat('a.txt', '# x')).toBe('text');
    expect(detectFormat('a.htm', '')).toBe('html');
    expect(detectFormat('a.csv', '')).toBe('csv');
    expect(detectFormat('a.jsonl', '')).toBe('jsonl');
    expect(detectFormat('a.json', '{"articles":[]}')).toBe('zendesk-help-center');
    expect(detectFormat('a.json', '[{"id":1,"html_url":"x","body":"<p>"}]')).toBe('zendesk-help-center');
    expect(detectFormat('a.json', '[{"id":"a","title":"A","body":"x"}]')).toBe('kb-json');
    expect(detectFormat('a.json', '{"id":"a","title":"A","body":"x"}\n{"id":"b","title":"B","body":"y"}')).toBe('jsonl');
    expect(detectFormat('README', '<!doctype html><p>x</p>')).toBe('html');
    expect(detectFormat('notes', '---\ntitle: x\n---\n')).toBe('markdown');
    expect(detectFormat('macros', 'title,body\nA,b')).toBe('csv');
    expect(detectFormat('notes', 'Plain words')).toBe('text');
    expect(detectFormat('manual.pdf', '%PDF-1.7')).toBeNull();
  });

  it('dispatches to the importer of each format', () => {
    expect(importFile({ name: 'a.md', text: '# A\n\nText' }, env).docs[0]?.title).toBe('A');
    expect(importFile({ name: 'a.csv', text: 'title,body\nA,b' }, env).docs[0]?.kind).toBe('macro');
    expect(importFile({ name: 'p.html', text: ARTICLE_PAGE }, env).docs[0]?.body).toContain('## What you can engrave');
    expect(importFile({ name: 'z.json', text: '{"articles":[{"id":1,"title":"Z","body":"<p>zz</p>"}]}' }, env).docs[0]?.id).toBe('zd-1');
  });

  it('gives a clear error for an unknown extension, an empty file, a binary file and invalid JSON', () => {
    const pdf = importFile({ name: 'manual.pdf', text: 'Readable text but the wrong kind of file' }, env);
    expect(pdf.docs).toEqual([]);
    expect(pdf.errors).toEqual([{ file: 'manual.pdf', message: expect.stringMatching(/Files ending in \.pdf cannot be imported\. Import \.md, \.markdown, \.txt, \.html, \.htm, \.csv, \.json, \.jsonl files/) }]);
    expect(importFile({ name: 'empty.md', text: '' }, env).errors[0]?.message).toMatch(/empty/);
    expect(importFile({ name: 'word.txt', text: 'PK\u0003\u0004\u0000\u0000binary' }, env).errors[0]?.message).toMatch(/not a text file/);
    const json = importFile({ name: 'kb.json', text: '[{"id": "a",\n "title": }]' }, env);
    expect(json.docs).toEqual([]);
    expect(json.errors[0]).toMatchObject({ file: 'kb.json', line: 2, message: expect.stringMatching(/not valid JSON/) });
  });
});
