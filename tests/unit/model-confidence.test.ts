import { afterEach, describe, expect, it } from 'vitest';
import { DexieAnswerCache } from '../../lib/copilot/answer-cache';
import { answerCacheKey, type CachedAnswer } from '../../lib/copilot/model-step';
import { fallbackMessage, monthStart } from '../../lib/copilot/service';
import { CopilotDb } from '../../lib/db';
import { HIGH_CONFIDENCE, MEDIUM_CONFIDENCE, scoreModelConfidence, type ModelConfidenceSignals } from '../../lib/drafting/confidence';
import { parsePlainOutput } from '../../lib/drafting/model-output';
import { buildPrompt } from '../../lib/drafting/prompt';
import { ProviderSettingsSchema } from '../../lib/drafting/provider-settings';

const STRONG: ModelConfidenceSignals = {
  citedSources: 2,
  bestCoverage: 0.45,
  bestScore: 14,
  claims: 3,
  citedClaims: 3,
  groundedness: 1,
  selfRated: 0.9,
  needsHuman: false,
  invalidCitations: 0,
  removedByOutputCheck: 0,
  languageMatch: true,
  truncated: false,
  injectionSuspected: false,
};

describe('scoreModelConfidence', () => {
  it('is high when retrieval, citations, groundedness and the model agree', () => {
    const c = scoreModelConfidence(STRONG);
    expect(c.level).toBe('high');
    expect(c.score).toBeGreaterThanOrEqual(HIGH_CONFIDENCE);
    expect(c.reasons).toContain('All 3 statement(s) are supported by the source they cite.');
    expect(c.reasons).toContain('The model rated its own answer 90%.');
  });

  it('never trusts the self-rating beyond the evidence', () => {
    const weak = { ...STRONG, bestCoverage: 0.02, bestScore: 0.5, groundedness: 0.5, citedClaims: 1 };
    const modest = scoreModelConfidence({ ...weak, selfRated: 0.1 });
    const boasting = scoreModelConfidence({ ...weak, selfRated: 1 });
    expect(boasting.score - modest.score).toBeLessThanOrEqual(0.2 * 0.9 + 1e-9);
    expect(boasting.level).not.toBe('high');
  });

  it.each([
    ['an invented citation', { invalidCitations: 1 }, /pointed at nothing/],
    ['a removed link', { removedByOutputCheck: 1 }, /found in no source were removed/],
    ['the model asking for a person', { needsHuman: true }, /a person should decide/],
    ['a cut-off answer', { truncated: true }, /length limit/],
    ['sources in another language', { languageMatch: false }, /customer's language/],
    ['mostly unsupported statements', { groundedness: 0.34 }, /Most statements are not backed/],
  ] as const)('stays below medium with %s', (_label, change, reason) => {
    const c = scoreModelConfidence({ ...STRONG, ...change });
    expect(c.score).toBeLessThan(MEDIUM_CONFIDENCE);
    expect(c.level).toBe('low');
    expect(c.reasons.join(' ')).toMatch(reason);
  });

  it('one unsupported statement keeps it below high and counts it', () => {
    const c = scoreModelConfidence({ ...STRONG, groundedness: 2 / 3 });
    expect(c.score).toBeLessThan(HIGH_CONFIDENCE);
    expect(c.reasons).toContain('1 of 3 statement(s) are not supported by a cited source: check them.');
  });

  it('caps at low on a suspected injection, and is low without any citation', () => {
    expect(scoreModelConfidence({ ...STRONG, injectionSuspected: true })).toMatchObject({ level: 'low' });
    expect(scoreModelConfidence({ ...STRONG, injectionSuspected: true }).score).toBeLessThanOrEqual(0.3);
    const none = scoreModelConfidence({ ...STRONG, citedSources: 0, citedClaims: 0 });
    expect(none).toMatchObject({ level: 'low', score: 0.1 });
  });
});

describe('plain-text answers that are JSON after all', () => {
  it('reads the object instead of showing it raw', () => {
    const r = parsePlainOutput('```json\n{"text":"Open Settings [1].","citations":[1],"confidence":0.7,"needsHuman":false}\n```');
    expect(r.ok && r.value).toMatchObject({ text: 'Open Settings [1].', citations: [1], confidence: 0.7, mode: 'plain' });
  });
  it('keeps text that merely starts with a brace', () => {
    const r = parsePlainOutput('{Note} Open Settings [1].');
    expect(r.ok && r.value.text).toBe('{Note} Open Settings [1].');
  });
});

describe('the answer cache', () => {
  const dbs: CopilotDb[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) {
      db.close();
      await db.delete();
    }
  });
  const settings = ProviderSettingsSchema.parse({ preset: 'custom', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' });
  const prompt = (text: string) =>
    buildPrompt({ ticket: { subject: 'S', messages: [{ role: 'customer', text }] }, sources: [], language: 'en', tone: 'friendly', length: 'short', budgetTokens: 4000 });

  it('keys on the prompt, the KB version and every setting that changes the answer; holds no ticket text', async () => {
    const base = await answerCacheKey(prompt('My parcel is late'), settings, 'json-schema', 3);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await answerCacheKey(prompt('My parcel is late'), settings, 'json-schema', 3)).toBe(base);
    expect(await answerCacheKey(prompt('My parcel is early'), settings, 'json-schema', 3)).not.toBe(base);
    expect(await answerCacheKey(prompt('My parcel is late'), settings, 'json-schema', 4)).not.toBe(base);
    expect(await answerCacheKey(prompt('My parcel is late'), { ...settings, model: 'n' }, 'json-schema', 3)).not.toBe(base);
    expect(await answerCacheKey(prompt('My parcel is late'), { ...settings, temperature: 1 }, 'json-schema', 3)).not.toBe(base);
    expect(await answerCacheKey(prompt('My parcel is late'), settings, 'plain', 3)).not.toBe(base);
  });

  it('keeps the newest entries up to its limit', async () => {
    const db = new CopilotDb(`cache-${crypto.randomUUID()}`);
    dbs.push(db);
    let now = 0;
    const cache = new DexieAnswerCache(db, () => (now += 1), 3);
    const answer = (text: string): CachedAnswer => ({
      parsed: { text, citations: [], listedOnly: [], confidence: null, needsHuman: false, mode: 'plain', repaired: false },
      model: 'm',
      truncated: false,
    });
    for (const k of ['a', 'b', 'c', 'd']) await cache.put(k, answer(k));
    expect(await cache.get('a')).toBeUndefined();
    expect((await cache.get('d'))?.parsed.text).toBe('d');
    expect(await db.modelCache.count()).toBe(3);
  });
});

describe('service helpers', () => {
  it('counts the month from its first day, local time', () => {
    expect(monthStart(new Date(2026, 0, 31, 23, 59).getTime())).toBe(new Date(2026, 0, 1).getTime());
  });
  it('says why a draft fell back', () => {
    expect(fallbackMessage('server', 'x had an internal error (500). Try again in a moment.')).toBe(
      'The model could not draft this reply: x had an internal error (500). Try again in a moment. This is the template draft instead.',
    );
  });
});
