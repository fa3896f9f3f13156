import { z } from 'zod';
import { tokenize } from '../text/tokenize';
import type { Ticket } from '../ticket/schema';

/**
 * Topic policies: rules that match a ticket's text, tags or helpdesk fields and decide how far
 * the copilot may go. The strictest matching mode wins.
 *   draft          normal
 *   review         the badge says Review and Insert asks for a confirmation (billing, refunds)
 *   template-only  the ticket never reaches a model; the template drafter answers (account access)
 *   no-ai          no draft; a note tells the agent to handle it personally (legal, security)
 */
export const POLICY_MODES = ['draft', 'review', 'template-only', 'no-ai'] as const;
export const PolicyModeSchema = z.enum(POLICY_MODES);
export type PolicyMode = z.infer<typeof PolicyModeSchema>;

const STRICTNESS: Record<PolicyMode, number> = { draft: 0, review: 1, 'template-only': 2, 'no-ai': 3 };

export const PolicyRuleSchema = z.object({
  id: z.string().trim().min(1, 'Every rule needs an id.').max(100),
  description: z.string().max(500).optional(),
  mode: PolicyModeSchema,
  match: z
    .object({
      /** Words or phrases in the subject or the customer's messages (stemmed, any language of the ticket). */
      keywords: z.array(z.string().trim().min(1).max(200)).max(500).optional(),
      /** Helpdesk tags, case-insensitive. */
      tags: z.array(z.string().trim().min(1).max(200)).max(200).optional(),
      /** Priorities such as "urgent". */
      priority: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
      /** Helpdesk ids such as "zendesk". */
      helpdesk: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    })
    .refine((m) => Boolean(m.keywords?.length || m.tags?.length || m.priority?.length || m.helpdesk?.length), {
      message: 'A rule must match on keywords, tags, priority or helpdesk.',
    }),
});
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

export const PolicyFileSchema = z.object({
  version: z.literal(1),
  rules: z.array(PolicyRuleSchema).max(200),
});
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

export const DEFAULT_POLICY: PolicyFile = {
  version: 1,
  rules: [
    {
      id: 'legal-and-security',
      description: 'Legal threats and security incidents: handle personally, no AI draft.',
      mode: 'no-ai',
      match: {
        keywords: [
          'lawyer', 'attorney', 'solicitor', 'legal action', 'lawsuit', 'sue you', 'take you to court', 'small claims',
          'data breach', 'security incident', 'hacked', 'account compromised', 'phishing', 'identity theft', 'fraudulent',
          'Anwalt', 'Rechtsanwalt', 'rechtliche Schritte', 'Klage', 'verklagen', 'Datenleck', 'gehackt', 'Betrug',
          'avocat', 'poursuites', 'action en justice', 'piraté', 'fuite de données',
          'abogado', 'demanda', 'hackeado',
        ],
        tags: ['legal', 'security', 'chargeback-dispute'],
      },
    },
    {
      id: 'account-access',
      description: 'Passwords and account access: the ticket never goes to a model; the template drafter answers.',
      mode: 'template-only',
      match: {
        keywords: [
          'password', 'reset link', 'log in', 'login', 'sign in', 'locked out', 'two-factor', '2FA', 'verification code',
          'one-time code', 'account access',
          'Passwort', 'Kennwort', 'anmelden', 'Anmeldung', 'einloggen', 'gesperrt',
          'mot de passe', 'connexion', 'se connecter', 'contraseña', 'iniciar sesión',
        ],
        tags: ['password', 'login', 'account-access'],
      },
    },
    {
      id: 'billing-and-refunds',
      description: 'Billing and refunds: the draft needs a second look before it is inserted.',
      mode: 'review',
      match: {
        keywords: [
          'refund', 'charged', 'charge', 'double charge', 'payment', 'invoice', 'billing', 'chargeback', 'credit card',
          'money back', 'reimburse',
          'Erstattung', 'Rückerstattung', 'erstatten', 'abgebucht', 'Abbuchung', 'Rechnung', 'Zahlung', 'Geld zurück',
          'remboursement', 'rembourser', 'facture', 'paiement', 'reembolso', 'factura', 'cobro',
        ],
        tags: ['billing', 'refund', 'payment'],
      },
    },
  ],
};

export interface PolicyDecision {
  mode: PolicyMode;
  /** The rules that matched, strictest first. */
  ruleIds: string[];
  /** Sentences for the agent: which rule and why. */
  reasons: string[];
}

/** A phrase matches when its stemmed words appear in a row in the stemmed text. */
function containsPhrase(haystack: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0 || phrase.length > haystack.length) return false;
  outer: for (let i = 0; i + phrase.length <= haystack.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (haystack[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Decide the policy for a ticket. Keywords are matched on the subject and the customer's own
 * messages (not the agents' replies or notes), stemmed in the ticket's language and in English, so
 * "refunds" matches "refund" and "Erstattungen" matches "Erstattung".
 */
export function decidePolicy(ticket: Ticket, policy: PolicyFile, language: string): PolicyDecision {
  const text = [ticket.subject, ...ticket.messages.filter((m) => m.role === 'customer').map((m) => m.text)].join('\n');
  const languages = [...new Set([language, 'en'])];
  // Stop words are kept: "locked out" must not match every "locked".
  const all = { keepStopwords: true };
  const stemmed = languages.map((lang) => ({ lang, terms: tokenize(text, lang, all) }));
  const tags = new Set(ticket.tags.map((t) => t.toLowerCase()));
  const matches: { rule: PolicyRule; why: string }[] = [];
  for (const rule of policy.rules) {
    const m = rule.match;
    const keyword = m.keywords?.find((k) => stemmed.some(({ lang, terms }) => containsPhrase(terms, tokenize(k, lang, all))));
    const tag = m.tags?.find((t) => tags.has(t.toLowerCase()));
    const priority = m.priority?.find((p) => p.toLowerCase() === (ticket.priority ?? '').toLowerCase());
    const helpdesk = m.helpdesk?.find((h) => h.toLowerCase() === ticket.helpdesk.toLowerCase());
    const why = keyword ? `mentions “${keyword}”` : tag ? `is tagged “${tag}”` : priority ? `has priority “${priority}”` : helpdesk ? `comes from ${helpdesk}` : null;
    if (why) matches.push({ rule, why });
  }
  matches.sort((a, b) => STRICTNESS[b.rule.mode] - STRICTNESS[a.rule.mode]);
  const top = matches[0];
  if (!top) return { mode: 'draft', ruleIds: [], reasons: [] };
  return {
    mode: top.rule.mode,
    ruleIds: matches.map((x) => x.rule.id),
    reasons: matches.map((x) => `Policy “${x.rule.id}” (${x.rule.mode}): the ticket ${x.why}.`),
  };
}

/** Parse a policy file a person edited: the first problem as a sentence naming the field. */
export function parsePolicyFile(text: string): { ok: true; policy: PolicyFile } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The policy is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = PolicyFileSchema.safeParse(raw);
  if (parsed.success) return { ok: true, policy: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'the file';
  return { ok: false, message: `The policy was not saved: ${field}: ${issue?.message ?? 'invalid'}. Fix it and save again.` };
}
