import { entity, type Entity } from '../entities';
import { textBefore } from './nearby';

/**
 * Secrets: passwords, one-time codes, card security codes, API keys and tokens. They are removed
 * outright (never sent, never restored). Three kinds of evidence:
 *   - well-known token formats (AWS, GitHub, Stripe, Slack, Google, JWT, private key blocks …);
 *   - a value after a password / PIN / code label ("my password is …", "Passwort: …", "code is 123456");
 *   - a long, high-entropy string after a key / token / secret word.
 * In each rule the named group `v` (or `q`, a quoted value) is the part that is removed.
 */

interface Rule {
  pattern: RegExp;
  /** Extra check on the captured value and its surroundings. */
  accept?: (value: string, text: string, start: number) => boolean;
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  const length = [...value].length;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Random-looking: long enough, mixes letters and digits (or is very long), and has high entropy. */
function looksRandom(value: string): boolean {
  const core = value.replace(/=+$/, '');
  if (core.length < 16) return false;
  const letters = /[A-Za-z]/.test(core);
  const digits = /\d/.test(core);
  if (!letters) return false;
  if (digits) return entropy(core) >= 3;
  return core.length >= 24 && /[a-z]/.test(core) && /[A-Z]/.test(core) && entropy(core) >= 3.5;
}

/** Values after "password:" that are not a password. */
const NOT_A_PASSWORD = new Set(
  `reset required optional none n/a na forgot forgotten expired invalid incorrect wrong changed unchanged same below above
see hidden redacted removed blank empty not no yes is was will does doesn't isn't won't can't cannot doesnt isnt
the a an my your his her our their this that it and or but for to of in on with at by from
link email mail sent please change changing update updated field protected manager policy strength requirements
vergessen falsch geändert zurückgesetzt oublié olvidada incorrecta`.split(/\s+/),
);

/** For "my password is X": X must look like a password (digit, symbol or mixed case) or be quoted. */
function passwordLike(value: string): boolean {
  return /\d/.test(value) || /[^\p{L}\p{N}]/u.test(value) || (/\p{Lu}/u.test(value.slice(1)) && /\p{Ll}/u.test(value));
}

const QUOTED = String.raw`["'“‘\x60](?<q>[^"'”’\x60\n]{1,100})["'”’\x60]`;
const BARE = String.raw`(?<v>[^\s"'“”‘’\x60]{1,100}?)(?=[,;)\]]?(?:\s|$))`;

const PASSWORD_LABEL = String.raw`(?<![\p{L}])(?:password|passwort|passcode|passphrase|pwd|pw|kennwort|mot de passe|mdp|contraseña|contrasena|clave|wachtwoord|senha|parola d'ordine|pin(?:[ -]?code)?|pin-nummer|geheimzahl)(?![\p{L}])`;

const RULES: Rule[] = [
  // Private key blocks.
  { pattern: /(?<v>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]{0,20000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)/dg },
  // AWS access key ids.
  { pattern: /(?<![A-Za-z0-9])(?<v>(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])/dg },
  // GitHub, GitLab, npm, PyPI, Slack, Stripe, Google, SendGrid, Shopify, OpenAI-style keys.
  { pattern: /(?<![A-Za-z0-9_])(?<v>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,})(?![A-Za-z0-9_])/dg },
  { pattern: /(?<![A-Za-z0-9_])(?<v>xox[abposr]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+)/dg },
  { pattern: /(?<![A-Za-z0-9_])(?<v>(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})(?![A-Za-z0-9_])/dg },
  { pattern: /(?<![A-Za-z0-9_])(?<v>AIza[0-9A-Za-z_-]{35}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})(?![A-Za-z0-9_-])/dg },
  { pattern: /(?<![A-Za-z0-9_-])(?<v>sk-(?:proj-|ant-(?:api\d\d-)?|live-)?[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/dg, accept: (v) => /\d/.test(v) && /[A-Za-z]/.test(v.slice(3)) },
  // JSON Web Tokens.
  { pattern: /(?<![A-Za-z0-9_-])(?<v>eyJ[A-Za-z0-9_-]{5,}\.ey[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/dg },
  // HTTP authorisation headers and bearer tokens.
  { pattern: /\b[Bb]earer\s+(?<v>[A-Za-z0-9\-._~+/]{12,}=*)/dg },
  { pattern: /\bAuthorization\s*[:=]\s*(?:Basic|Token|Digest)?\s*(?<v>[A-Za-z0-9\-._~+/]{12,}=*)/dgi },
  // Credentials inside URLs: scheme://user:password@host.
  { pattern: /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@]{1,100}:(?<v>[^\s@/]{1,200})@/dgi },
  // Passwords after a label: "password: x", "Passwort = x".
  {
    pattern: new RegExp(String.raw`${PASSWORD_LABEL}[ \t]*[:=][ \t]*\n?[ \t]*(?:${QUOTED}|${BARE})`, 'dgiu'),
    accept: (v) => !NOT_A_PASSWORD.has(v.toLowerCase().replace(/[.!?]+$/, '')) && !/^[*•·x]+$/i.test(v) && !v.startsWith('⟦') && !v.endsWith(':'),
  },
  // "my password is x", "Passwort ist x", "le mot de passe est x", "changed my password to x".
  {
    pattern: new RegExp(
      String.raw`${PASSWORD_LABEL}(?:\s+(?:is|was|ist|lautet|war|est|était|es|era|è|to|auf|now|currently|still|jetzt|now set to|is now|is still)){1,2}\s+(?:${QUOTED}|${BARE})`,
      'dgiu',
    ),
    accept: (v, text, start) => {
      const quoted = /["'“‘`]$/.test(text.slice(Math.max(0, start - 1), start));
      const word = v.toLowerCase().replace(/[.!?]+$/, '');
      return !NOT_A_PASSWORD.has(word) && !v.startsWith('⟦') && (quoted || passwordLike(v.replace(/[.!?]+$/, '')));
    },
  },
  // One-time codes: "OTP 123456", "verification code: 123456", "code is 123456", "Bestätigungscode lautet 123456".
  {
    pattern:
      /(?<![\p{L}])(?:otp|tan|2fa|mfa|one[- ]time (?:password|passcode|code|pin)|(?:verification|confirmation|security|authentication|auth|login|log-in|sign[- ]in|access|recovery|backup|reset|sms|2fa|mfa|one[- ]time)[ -]code|code de (?:vérification|confirmation|sécurité)|código de (?:verificación|seguridad|confirmación)|codice di (?:verifica|sicurezza)|(?:bestätigungs|sicherheits|einmal|verifizierungs|zugangs|aktivierungs|anmelde|login)code)(?![\p{L}])[\s:=#-]*(?:(?:is|was|ist|lautet|est|es|è|number|nummer)\s*[:=]?\s*)?(?<v>(?=[A-Z]*\d)[A-Z0-9]{4,10}|\d{3}[ -]\d{3})(?![\p{L}\p{N}])/dgiu,
  },
  {
    pattern: /(?<![\p{L}])(?:code|código|codice|Code)\s*(?:is|was|ist|lautet|est|es|è|:|=)\s*[:=]?\s*(?<v>\d{4,8}|\d{3}[ -]\d{3})(?![\p{L}\p{N}])/dgiu,
    accept: (_v, text, start) =>
      !/\b(?:error|status|zip|postal|post|area|country|promo|promotion|discount|coupon|voucher|gift|referral|invite|product|tracking|order|reference|sort|iso|response|exit|http|colou?r|source|dial|bar|qr|tax|fehler|rabatt|gutschein|postleitzahl|erreur|promo|postal|error|descuento|errore|sconto)[\s-]*(?:code|código|codice)[^\n]{0,20}$/i.test(textBefore(text, start, 60)),
  },
  // Card security codes.
  { pattern: /(?<![\p{L}])(?:cvv2?|cvc2?|cvn|csc|card security code|card verification (?:code|value)|prüfnummer|kartenprüfnummer|cryptogramme)(?![\p{L}])[\s:=#-]*(?:(?:is|was|ist|lautet|est|es)\s*)?(?<v>\d{3,4})(?![\p{L}\p{N}])/dgiu },
  // A key, token or secret word followed by a random-looking string.
  {
    pattern: new RegExp(
      String.raw`(?<![\p{L}])(?:api[_ .-]?key|apikey|api[_ .-]?secret|api[_ .-]?token|secret(?:[_ .-]?key)?|client[_ .-]?secret|access[_ .-]?(?:key|token)|auth(?:orization)?[_ .-]?(?:key|token)|refresh[_ .-]?token|session[_ .-]?(?:id|token|key|cookie)|private[_ .-]?key|secret[_ .-]?access[_ .-]?key|signing[_ .-]?(?:key|secret)|webhook[_ .-]?secret|license[_ .-]?key|licence[_ .-]?key|token|key|cookie|credentials?|schlüssel|clé|clave)(?![\p{L}])["'\x60]?[\s:=>"'\x60-]*(?:(?:is|was|ist|lautet|est|es)\s+)?["'\x60]?(?<v>[A-Za-z0-9_\-+/=.~]{16,512})`,
      'dgiu',
    ),
    accept: (v) => looksRandom(v.replace(/[.]+$/, '')),
  },
];

export function detectSecrets(text: string): Entity[] {
  const found: Entity[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      const span = m.indices?.groups?.v ?? m.indices?.groups?.q;
      const value = m.groups?.v ?? m.groups?.q;
      if (!span || value === undefined) continue;
      const start = span[0];
      let end = span[1];
      // A sentence-ending dot after a bare value is punctuation, unless the value already had dots.
      if (m.groups?.v !== undefined && /[^.]\.$/.test(value) && !value.slice(0, -1).includes('.')) end -= 1;
      if (end <= start) continue;
      if (rule.accept && !rule.accept(text.slice(start, end), text, start)) continue;
      found.push(entity('SECRET', text, start, end));
    }
  }
  return found;
}

