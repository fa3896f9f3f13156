/**
 * The model drafter's own overhead, side by side in one run against a direct openai SDK call to the
 * same local OpenAI-compatible server with the same scripted, streamed answer (same chunks, same
 * delays). The server's delay is in both, so the difference is what the pipeline adds: guard
 * (masking), retrieval, prompt building, the JSON text-field streamer, unmasking, parsing, the
 * citation and output checks, groundedness and confidence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { draftWithModel } from '../lib/copilot/model-step';
import { runPipeline } from '../lib/copilot/pipeline';
import { createClient } from '../lib/drafting/model-client';
import { ProviderSettingsSchema } from '../lib/drafting/provider-settings';
import { percentile } from '../lib/feedback/stats';
import { DEFAULT_POLICY } from '../lib/guard/policy';
import { buildRetriever } from '../lib/kb/build';
import { parseKbJsonl } from '../lib/kb/jsonl';
import type { Ticket } from '../lib/ticket/schema';
import { startOpenAIServer } from '../tests/support/openai-server';
import { REPO_ROOT } from './extension-browser';
import { benchRow, type BenchRow } from './bench-row';

export type ModelBenchRow = BenchRow;

const TICKET: Ticket = {
  helpdesk: 'tidydesk',
  ticketId: '1004',
  url: 'http://127.0.0.1/tickets/1004.html',
  subject: 'Glass salad bowl arrived broken – refund please',
  requester: { name: 'Amelia Novak', email: 'amelia.novak@example.org' },
  messages: [
    {
      role: 'customer',
      author: 'Amelia Novak',
      text: 'Hello, the glass salad bowl from order FH-48113 arrived in pieces. Could I get a refund? You can call me on +44 20 7946 0321.\n\nThanks, Amelia',
    },
  ],
  tags: [],
  signals: {},
};

const ANSWER = JSON.stringify({
  text: 'Hi Amelia, I am sorry the bowl arrived broken. We can send a replacement or refund you in full [1]. There is no need to send the broken bowl back [1]. If it helps, we can also call you on ⟦PHONE_1⟧.',
  citations: [1],
  confidence: 0.8,
  needsHuman: false,
});


export async function benchModelOverhead(rounds = 30): Promise<ModelBenchRow[]> {
  const server = await startOpenAIServer({ models: ['bench-model'] });
  const chunks = ANSWER.match(/.{1,12}/gs) ?? [];
  server.setDefault({ content: ANSWER, chunks, chunkDelayMs: 2, usage: { prompt_tokens: 900, completion_tokens: 60 } });
  const settings = ProviderSettingsSchema.parse({ preset: 'custom', baseUrl: server.baseUrl, model: 'bench-model', outputMode: 'json-schema', draftMode: 'auto' });
  const { retriever } = buildRetriever(parseKbJsonl(readFileSync(join(REPO_ROOT, 'public', 'kb', 'sample-kb.jsonl'), 'utf8')).docs);
  const client = createClient(settings, { maxRetries: 0 });
  const direct = { ttft: [] as number[], total: [] as number[] };
  const pipeline = { ttft: [] as number[], total: [] as number[] };

  const runDirect = async () => {
    const t0 = performance.now();
    let first: number | null = null;
    const stream = await client.sdk.chat.completions.create({
      model: settings.model,
      messages: [
        { role: 'system', content: 'You draft replies.' },
        { role: 'user', content: TICKET.messages[0]?.text ?? '' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        first ??= performance.now();
        text += delta;
      }
    }
    JSON.parse(text);
    return { ttft: (first ?? performance.now()) - t0, total: performance.now() - t0 };
  };

  const runPipelineOnce = async () => {
    const t0 = performance.now();
    let first: number | null = null;
    const { assessment, retrieved, language } = runPipeline({ ticket: TICKET, retriever, policy: DEFAULT_POLICY, disabledPii: [], agentName: 'Sam Rivera', modelConfigured: true });
    const result = await draftWithModel({
      ticket: TICKET,
      language,
      retrieved,
      kbVersion: 1,
      settings,
      client,
      disabledPii: [],
      injectionSuspected: assessment.injection.suspected,
      onText: () => {
        first ??= performance.now();
      },
    });
    if (!result.ok) throw new Error(`The pipeline failed in the benchmark: ${result.error.message}`);
    return { ttft: (first ?? performance.now()) - t0, total: performance.now() - t0 };
  };

  try {
    // Warm up both paths (JIT, connection pool).
    for (let i = 0; i < 3; i++) {
      await runDirect();
      await runPipelineOnce();
    }
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? [runDirect, runPipelineOnce] : [runPipelineOnce, runDirect];
      for (const run of order) {
        const r = await run();
        const into = run === runDirect ? direct : pipeline;
        into.ttft.push(r.ttft);
        into.total.push(r.total);
      }
    }
  } finally {
    await server.close();
  }
  const p50 = (xs: number[]) => percentile(xs, 50) ?? 0;
  const extraFirst = p50(pipeline.ttft) - p50(direct.ttft);
  const extraTotal = p50(pipeline.total) - p50(direct.total);
  const row = benchRow;
  return [
    row('model: direct SDK call, time to first token', direct.ttft, `local server, ${chunks.length} chunks × 2 ms`),
    row('model: pipeline, time to first visible text', pipeline.ttft, `+${extraFirst.toFixed(1)} ms at p50 (target ≤ 30)`),
    row('model: direct SDK call, whole answer', direct.total),
    row('model: pipeline, whole checked draft', pipeline.total, `+${extraTotal.toFixed(1)} ms at p50 (target ≤ 50)`),
  ];
}
