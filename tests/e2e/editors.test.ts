import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { insertableText } from '../../lib/drafting/insertable';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server';
import { launchWithExtension, openPanel, readEvents, tabIdOf, type ExtensionBrowser, insertDraft } from '../../scripts/extension-browser';

/**
 * "Insert and edit" into real editor libraries, in Chromium with the built extension: the plain
 * textarea, ProseMirror, Summernote and CKEditor 5. Each time the draft must reach the editor's own
 * state (not just its DOM), survive the agent typing after it, and be recorded as sent with an edit.
 */
let demo: DemoServer;
let browser: ExtensionBrowser;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0 });
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

interface EditorCase {
  editor: 'textarea' | 'prosemirror' | 'summernote' | 'ckeditor';
  ticket: string;
}

const CASES: EditorCase[] = [
  { editor: 'textarea', ticket: '1001' },
  { editor: 'prosemirror', ticket: '1009' },
  { editor: 'summernote', ticket: '1010' },
  { editor: 'ckeditor', ticket: '1011' },
];

const EDIT = ' I have also added a note to your order.';

/** The reply as the editor itself holds it: the textarea's value, or the page's reading of the library's state. */
function editorState(page: Page, editor: EditorCase['editor']): Promise<string> {
  if (editor === 'textarea') return page.getByTestId('reply-editor').inputValue();
  return page.evaluate(() => {
    const read: unknown = Reflect.get(window, '__editorText');
    return typeof read === 'function' ? String(read()) : '';
  });
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

describe('Insert and edit into each kind of reply editor', () => {
  it.each(CASES)('$editor (ticket $ticket)', async ({ editor, ticket }) => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const url = `${demo.url}tickets/${ticket}.html`;
    await page.goto(url);
    if (editor !== 'textarea') {
      await page.waitForFunction((name) => document.documentElement.getAttribute('data-reply-editor-ready') === name, editor, { timeout: 15_000 });
    }
    const reply = page.getByTestId('reply-editor');
    expect(await reply.count()).toBe(1);
    expect(await reply.evaluate((el) => (el instanceof HTMLTextAreaElement ? 'textarea' : el.getAttribute('contenteditable')))).toBe(
      editor === 'textarea' ? 'textarea' : 'true',
    );

    const panel = await openPanel(browser, await tabIdOf(browser, url));
    const draftEl = panel.getByTestId('draft-text');
    await draftEl.waitFor({ timeout: 30_000 });
    const draft = insertableText((await draftEl.textContent()) ?? '');
    const firstParagraph = draft.split(/\n\s*\n/)[0] ?? '';
    expect(firstParagraph.length).toBeGreaterThan(0);
    expect(firstParagraph).not.toMatch(/\[\d+\]/);
    const sentBefore = (await readEvents(panel)).filter((e) => e.type === 'sent').length;

    // Insert: the draft lands in the editor's own state, and the page's Send button wakes up.
    await insertDraft(panel);
    await expect.poll(async () => collapse(await editorState(page, editor)), { timeout: 10_000 }).toContain(collapse(firstParagraph));
    const inserted = await editorState(page, editor);
    expect(collapse(inserted)).toBe(collapse(draft));
    if (editor !== 'textarea') {
      // Paragraphs survive as paragraphs (blocks in the editor's model), not as one run-on line.
      expect(inserted).toContain('\n\n');
    }
    await expect.poll(() => page.getByTestId('send-reply').isEnabled()).toBe(true);

    // Edit: the agent types at the end with the keyboard.
    await page.bringToFront();
    await reply.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(EDIT);
    await expect.poll(async () => collapse(await editorState(page, editor))).toBe(collapse(draft + EDIT));

    // Send: the thread shows the edited reply and the editor is empty again.
    const agentMessages = page.locator('.td-thread .td-message--agent');
    const before = await agentMessages.count();
    await page.getByTestId('send-reply').click();
    await expect.poll(() => agentMessages.count()).toBe(before + 1);
    const shown = collapse((await agentMessages.last().textContent()) ?? '');
    expect(shown).toContain(collapse(firstParagraph));
    expect(shown).toContain(collapse(EDIT));
    expect(collapse(await editorState(page, editor))).toBe('');

    // The extension recorded the send as a use of the draft, with a small edit.
    await expect.poll(async () => (await readEvents(panel)).filter((e) => e.type === 'sent').length, { timeout: 5_000 }).toBe(sentBefore + 1);
    const events = await readEvents(panel);
    const sent = events.filter((e) => e.type === 'sent').at(-1);
    expect(sent?.payload.used).toBe(true);
    // The sent event carries the final text, as the editor's own state had it.
    expect(collapse(String(sent?.payload.text))).toBe(collapse(draft + EDIT));
    const ratio = Number(sent?.payload.editRatio);
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    expect(events.some((e) => e.type === 'inserted' && e.draftId === sent?.draftId)).toBe(true);

    expect(errors).toEqual([]);
    await panel.close();
    await page.close();
  });
});
