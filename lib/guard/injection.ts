/**
 * Prompt-injection signals in a ticket: text written to steer the AI assistant rather than to ask
 * a person for help. Rules, not a model: each signal has a weight, the weights combine as
 * independent evidence (1 − Π(1 − w)), and a ticket is suspected at 0.5 or more. Every signal
 * comes with a sentence the agent can act on.
 *
 * Looks at: instruction-override phrasing aimed at an assistant (not at a person), new "system"
 * instructions and chat-format markers, personas and jailbreak modes, requests for the system
 * prompt, data exfiltration (send/forward data to an address, links and markdown images that carry
 * data), refunds or tool calls the assistant should make on its own, text that speaks to the
 * assistant, payloads encoded in base64 / hex / ROT13 / URL-encoding / escapes / zero-width or tag
 * characters, look-alike letters, and text hidden from the agent on the page. English, German,
 * French and Spanish.
 */
import {
  decodeTagRuns,
  isReadable,
  stripTagCharacters,
  stripZeroWidth,
  zeroWidthInWords,
  zeroWidthPayloads,
} from '../ticket/hidden-text';

export interface InjectionInput {
  /** The ticket's message texts (customer messages, and any other text the model will read). */
  texts: string[];
  /** Text hidden from the agent on the live page (`Ticket.signals.hiddenText`). */
  hiddenText?: string[];
}

export interface InjectionResult {
  suspected: boolean;
  /** 0..1: combined weight of the signals found. */
  score: number;
  /** One sentence per signal, strongest first, for the agent. */
  reasons: string[];
}

/** A ticket is suspected from this score on. */
export const SUSPECT_AT = 0.5;

const MAX_REASONS = 8;
const MAX_TEXT = 100_000;

// ---- Normalising -----------------------------------------------------------------------------

/** Cyrillic and Greek letters that look like Latin ones, used to disguise words. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ɡ: 'g',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Χ: 'X', Υ: 'Y', Ζ: 'Z',
};
/** Small capitals (ɪɢɴᴏʀᴇ) that NFKC leaves alone. */
const SMALL_CAPS: Record<string, string> = {
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm',
  ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ꞯ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z',
};
const SMALL_CAPS_RE = new RegExp(`[${Object.keys(SMALL_CAPS).join('')}]`, 'gu');
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');
const HAS_CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'u');

interface Prepared {
  /** The text as written (case kept), for the few signals where case matters. */
  raw: string;
  /** Lower-case, accents removed, one line, look-alikes and invisible characters undone. */
  flat: string;
  /** The same per line (for "System:" / "Assistant:" turns). */
  lines: string[];
  sentences: string[];
  /** Words that mix Latin letters with Cyrillic or Greek look-alikes. */
  homoglyphWords: number;
}

function fold(raw: string): { text: string; homoglyphWords: number } {
  let homoglyphWords = 0;
  let text = stripZeroWidth(stripTagCharacters(raw)).replace(/\u00AD/g, '').normalize('NFKC');
  text = text.replace(SMALL_CAPS_RE, (c) => SMALL_CAPS[c] ?? c);
  text = text.replace(/\p{L}+/gu, (word) => {
    if (!/[A-Za-z]/.test(word) || !HAS_CONFUSABLE.test(word)) return word;
    homoglyphWords++;
    return word.replace(CONFUSABLE_RE, (c) => CONFUSABLES[c] ?? c);
  });
  text = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[\u2018\u2019\u201A\u2032`´]/g, "'")
    .replace(/[\u201C\u201D\u201E\u00AB\u00BB]/g, '"')
    .replace(/\r\n?/g, '\n');
  return { text, homoglyphWords };
}

/** Words attackers break up; rejoined when split by one separator anywhere inside. */
const KEYWORDS = ['ignore', 'disregard', 'instructions', 'previous', 'override', 'jailbreak', 'guidelines', 'restrictions', 'systemprompt'];
const SPLIT_KEYWORDS = new RegExp(
  `(?<![a-z])(?:${KEYWORDS.map((w) => [...w].join('[\\s._*·-]?')).join('|')})(?![a-z])`,
  'g',
);

function prepare(raw: string): Prepared {
  const { text: folded, homoglyphWords } = fold(raw.length > MAX_TEXT ? raw.slice(0, MAX_TEXT) : raw);
  const text = folded
    // Words broken across lines: "instruc-\ntions".
    .replace(/(\p{L})-[ \t]*\n[ \t>]*(\p{L})/gu, '$1$2')
    // Quote markers at the start of lines.
    .replace(/^[ \t]*(?:>[ \t]?)+/gm, '')
    // Pieces glued together: 'ign' + 'ore'.
    .replace(/(['"])\s*\+\s*\1/g, '')
    // Letters spaced out with one separator: "i g n o r e", "i-g-n-o-r-e".
    .replace(/(?<![\p{L}\p{N}])\p{L}([ ._*·-])\p{L}(?:\1\p{L}){2,}(?![\p{L}\p{N}])/gu, (m) => m.replace(/[ ._*·-]/g, ''))
    // Key words broken once: "ig nore", "instruc tions".
    .replace(SPLIT_KEYWORDS, (m) => m.replace(/[\s._*·-]/g, ''));
  const flat = text.replace(/\s+/g, ' ').trim();
  return {
    raw,
    flat,
    lines: text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()),
    sentences: flat.split(/(?<=[.!?])\s+/).filter(Boolean),
    homoglyphWords,
  };
}

// ---- Vocabulary ------------------------------------------------------------------------------

const WORD = "[\\w'-]+";
const combine = (weights: number[]) => 1 - weights.reduce((acc, w) => acc * (1 - w), 1);
const r = (source: string, flags = '') => new RegExp(source, flags);

/** What a rule found: its kind (one reason each), its weight and how strongly it speaks to an assistant. */
type Kind =
  | 'override'
  | 'new-instructions'
  | 'markup'
  | 'dialogue'
  | 'persona'
  | 'prompt-leak'
  | 'exfiltration'
  | 'data-link'
  | 'reply-control'
  | 'action'
  | 'address'
  | 'directive'
  | 'concealment';

const WHAT: Record<Kind, string> = {
  override: 'tells the assistant to ignore its instructions',
  'new-instructions': 'tries to give the assistant new instructions or a new system prompt',
  markup: 'contains chat-format markers (such as "[INST]" or "<|im_start|>") that imitate the assistant\'s own instructions',
  dialogue: 'contains a made-up conversation with "System:" or "Assistant:" turns',
  persona: 'tries to switch the assistant into another persona or a "jailbreak" mode without rules',
  'prompt-leak': 'asks the assistant to reveal its system prompt or instructions',
  exfiltration: 'tells the assistant to send conversation or customer data somewhere',
  'data-link': 'contains a link or markdown image built to carry data out when it is rendered',
  'reply-control': 'dictates what the reply must say, link to or whom to tell',
  action: 'tells the assistant to issue a refund, credit or voucher on its own, or to call a tool',
  address: 'speaks directly to an AI assistant rather than to a person',
  directive: 'states what "the assistant" must do',
  concealment: 'asks for something to be done silently or kept from the agent',
};

interface Finding {
  kind: Kind;
  weight: number;
}

// Override: a verb of setting aside + (determiners/adjectives) + the assistant's instructions.
interface OverrideLanguage {
  verbs: string;
  rules: string;
  /** Words allowed between verb and object ("all", "your previous" …). */
  filler: Set<string>;
  /** The customer's own instructions ("my earlier instructions") are not an attack. */
  own: RegExp;
}

const EN_FILLER = 'all any every each the your these those its of previous prior preceding earlier above foregoing original initial existing current old system default developer safety security content company company\'s built-in programmed and following other given usual standard internal hidden ai assistant assistant\'s model\'s support ethical moral moderation core base basic set previously before whatever whichever'.split(' ');

const OVERRIDE_LANGUAGES: OverrideLanguage[] = [
  {
    verbs:
      "ignor(?:e|es|ed|ing)|disregard(?:s|ed|ing)?|forget(?:ting)?|overrid(?:e|es|ing)|bypass(?:es|ing)?|skip|neglect|abandon|discard|set aside|put aside|circumvent|throw out|break free of|stop following|stop obeying|do not follow|don't follow|dont follow|no longer follow|do not obey|don't obey|cease following|disable|deactivate|turn off|switch off|suspend|lift|remove|drop|ditch|scrap|get rid of",
    rules:
      'instructions?|instruction set|prompts?|rules?|guidelines?|guidance|directives?|guardrails?|constraints?|programming|polic(?:y|ies)|restrictions?|filters?|commands?|training|configuration|setup|limitations?|safeguards|protocols?|system message|safety (?:settings|features|measures|layer)|(?:safety|security|verification|fraud|identity) checks',
    filler: new Set(EN_FILLER),
    own: /\b(?:my|mine|our|his|her|their)\b/,
  },
  {
    verbs: 'ignorier\\w*|missacht\\w*|vergiss|vergesst|vergessen sie|uberschreib\\w*|umgeh\\w*|befolge nicht|deaktivier\\w*|verwirf|verwerfe?',
    rules: 'anweisungen|anweisung|instruktionen|regeln|vorgaben|befehle|richtlinien|systemprompt|systemanweisungen?|prompts?|einschrankungen|anordnungen|programmierung',
    filler: new Set('alle allen alles deine deinen deiner ihre ihren die der den des bisherigen vorherigen vorigen obigen fruheren bisherige vorherige ursprunglichen jegliche samtliche samtlichen von und sicherheits system'.split(' ')),
    own: /\b(?:meine[nmrs]?|unsere[nmrs]?)\b/,
  },
  {
    verbs: "ignore[rsz]?|ignorez|oublie[rsz]?|oubliez|ne tiens pas compte|ne tenez pas compte|fais abstraction|faites abstraction|contourne[rsz]?|passe outre|outrepasse[rsz]?|n'obeis plus|ne suis plus",
    rules: 'instructions?|consignes?|regles|directives?|prompts?|restrictions?|filtres?|programmation',
    filler: new Set("toutes tous les tes vos ta ton votre des de la le l' precedentes precedents anterieures initiales systeme du et".split(' ')),
    own: /\b(?:mes|mon|ma|nos|notre)\b/,
  },
  {
    verbs: 'ignora[rd]?|ignoren?|olvida[rd]?|olviden?|olvidate de|haz caso omiso|hagan caso omiso|omite|omitir|saltate|desobedece|no sigas',
    rules: 'instrucciones|instruccion|reglas|normas|directrices|indicaciones|prompts?|restricciones|filtros|programacion',
    filler: new Set('todas todos las los tus sus su tu de del la el anteriores previas iniciales sistema y'.split(' ')),
    own: /\b(?:mis?|nuestr[oa]s?)\b/,
  },
];

/** Ordinary support topics: "ignore the previous delivery instructions" is about a parcel. */
const DOMAIN_NOUNS =
  /\b(?:deliver(?:y|ies)|shipping|shipment|assembly|washing|care|cleaning|returns?|packing|packaging|installation|descaling|label|box|courier|driver|parking|payment|colleague|website|warehouse|doorbell|gift|address|order|orders|cancellation|privacy|cookies?|account|card|profile|login|purchases?|basket|cart|inbox|subscription|membership|lieferung|versand|rucksendung|livraison|colis|entrega|envio|pedido|bestellung|commande|konto|compte|cuenta)\b/;
/** "… the restrictions on my account": the object belongs to the customer's own things. */
const OWN_QUALIFIER = /^\s+(?:on|for|of|in|from|at|with|to)\s+(?:my|our|mein\w*|unser\w*|mon|ma|mes|nos|mi|mis|nuestr\w*)\b/;

const OVERRIDE_RES = OVERRIDE_LANGUAGES.map((lang) => ({
  lang,
  re: r(`\\b(?:${lang.verbs})\\b((?:\\s+${WORD}){0,5}?)\\s+(?:${lang.rules})\\b((?:\\s+${WORD}){0,3})`, 'g'),
}));

function overrideWeight(p: Prepared): number {
  let best = 0;
  for (const { lang, re } of OVERRIDE_RES) {
    for (const m of p.flat.matchAll(re)) {
      const gap = (m[1] ?? '').trim();
      const after = m[2] ?? '';
      if (lang.own.test(gap)) continue;
      if (DOMAIN_NOUNS.test(gap) || DOMAIN_NOUNS.test(after) || OWN_QUALIFIER.test(after)) continue;
      const unknown = gap ? gap.split(/\s+/).filter((w) => !lang.filler.has(w)).length : 0;
      if (unknown > 1) continue;
      best = Math.max(best, 0.75);
    }
  }
  const everything =
    /\b(?:ignore|disregard|forget|discard)\s+(?:everything|all|anything)\s+(?:that\s+)?(?:above|before this|before that|prior to this|previously said|said before|(?:you|u)\s+(?:were|have been|'ve been|got)\s+(?:told|given|instructed)|(?:came|comes)\s+before|up to (?:this|now))\b|\bvergiss alles,? (?:was )?(?:du )?(?:bisher|vorher|zuvor|oben)\b|\boubliez? tout ce (?:qui precede|qu'on t'a dit|que l'on vous a dit)\b|\bolvida todo lo (?:anterior|que te (?:dijeron|han dicho))\b/;
  if (everything.test(p.flat)) best = Math.max(best, 0.7);
  const above = /\b(?:ignore|disregard)\s+(?:the\s+)?(?:above|foregoing)(?:\s+(?:text|prompt|message|content|input|instructions?))?\s*(?:and|,|;|\.)\s*(instead|just|only|now|then)?/.exec(p.flat);
  if (above) best = Math.max(best, above[1] ? 0.55 : 0.4);
  if (
    /\b(?:instructions?|rules|prompt|guidelines|directives)\s+(?:(?:that\s+)?you\s+(?:received|were given|got|have been given|have)\s+|above\s+|before\s+)?(?:are|were|is|was)\s+(?:now\s+|only\s+|just\s+|all\s+)?(?:outdated|obsolete|void|cancell?ed|invalid|no longer valid|no longer in effect|a test|fake|revoked|overridden|superseded|deprecated|expired)\b/.test(p.flat)
  ) {
    best = Math.max(best, 0.6);
  }
  if (/\b(?:ignore|disregard|forget|abandon|skip|drop)\s+(?:the|your|this|that)\s+(?:\w+\s+)?(?:task|request|question|job|assignment)\s*(?:and|,)\s*(?:instead|just|only)\b/.test(p.flat)) {
    best = Math.max(best, 0.5);
  }
  // German separable verbs: "gib alle bisherigen Vorgaben auf", "setz deine Regeln außer Kraft".
  if (/\b(?:gib|gebt|geben sie|setze?|setzt)\s+(?:\w+\s+){0,3}?(?:vorgaben|anweisungen|regeln|richtlinien|instruktionen|einschrankungen)\s+(?:auf|ausser kraft)\b/.test(p.flat) && !/\b(?:meine|unsere)\b/.test(p.flat)) {
    best = Math.max(best, 0.75);
  }
  // German and French infinitives put the verb last: "alle Regeln ignorieren".
  if (/\b(?:alle|allen|deine|die|samtliche|bisherigen|vorherigen|jegliche|toutes les|les|tes|vos)\s+(?:\w+\s+)?(?:anweisungen|regeln|vorgaben|richtlinien|instruktionen|einschrankungen|consignes|instructions|regles)\s+(?:zu\s+)?(?:ignorieren|vergessen|missachten|umgehen|ubergehen|ausser acht lassen|nicht (?:mehr )?befolgen|ignorer|oublier)\b/.test(p.flat)) {
    best = Math.max(best, 0.75);
  }
  // The object as a clause: "ignore whatever they told you", "vergiss, was man dir gesagt hat".
  if (
    /\b(?:ignore|disregard|forget)\s+(?:whatever|what|anything|everything|all)\s+(?:\w+\s+){0,3}?(?:told|taught|instructed|said to|programmed|trained|gave)\s+you\b|\bforget (?:what|everything|anything|all) you(?:'ve| have)? been (?:told|taught|instructed)\b/.test(p.flat) ||
    /\b(?:ignorier\w*|vergiss|vergesst|missachte)\b,?\s+(?:alles,?\s+)?was\s+(?:man|sie|die firma|dein\w*|ihr)\s+dir\b/.test(p.flat) ||
    /\b(?:ignore|oublie)z?\s+(?:tout\s+)?ce qu(?:e|')\s*(?:on|l'on|ils)\s+(?:t'a|vous a|t'ont|vous ont)\s+(?:dit|appris|demande)\b/.test(p.flat) ||
    /\b(?:ignora|olvida)\s+(?:todo\s+)?lo que\s+te\s+(?:dijeron|han dicho|ensenaron|programaron|pidieron)\b/.test(p.flat)
  ) {
    best = Math.max(best, 0.65);
  }
  if (/\bpretend (?:that )?(?:the|your|all|any|these|those) (?:\w+ )?(?:polic(?:y|ies)|rules?|guidelines?|instructions?|restrictions?|filters?) (?:do(?:es)? not|don't|doesn't|never) exist\b/.test(p.flat)) {
    best = Math.max(best, 0.6);
  }
  // "the text/instructions before this line are no longer valid".
  if (/\b(?:text|everything|instructions?|rules)\s+(?:before|above)\s+(?:this|my)\s+(?:line|message|point)\s+(?:is|are)\s+(?:not valid|no longer valid|invalid|void|cancell?ed)\b/.test(p.flat)) {
    best = Math.max(best, 0.6);
  }
  return best;
}

function newInstructionsWeight(p: Prepared): number {
  let best = 0;
  if (
    /\byour (?:new|updated|real|actual|true|only) (?:instructions?|rules?|task|role|objective|goal|purpose|job|directive|persona|prompt|mission|orders)\b|\bdeine (?:neue|neuen|eigentliche) (?:aufgabe|anweisungen?|regeln?|rolle)\b|\b(?:ta|tes|votre|vos) (?:nouvelles?|vraies?) (?:instructions?|consignes?|regles|mission|tache|role)\b|\btus? (?:nuevas?|verdaderas?) (?:instrucciones|reglas|tarea|mision|rol)\b/.test(p.flat)
  ) {
    best = 0.6;
  }
  if (
    /\bnew system prompt\b|\bsystem prompt (?:update|override|change|follows)\b|\b(?:updated|new|revised) (?:policy|instructions|rules) for (?:the |all )?(?:assistant|ai|model|bot|automated|llm)\b|\bneuer systemprompt\b|\bnouveau prompt systeme\b|\bnuevo prompt del sistema\b/.test(p.flat)
  ) {
    best = Math.max(best, 0.65);
  }
  if (/\bnew (?:instructions?|directives?|orders)\s*(?:from [^:.]{1,40})?:|\bneue anweisungen\s*:|\bnouvelles instructions\s*:|\bnuevas instrucciones\s*:/.test(p.flat)) best = Math.max(best, 0.4);
  if (/\byour (?:job|task|role|purpose|goal|mission) (?:now|from now on|today) (?:is|will be)\b/.test(p.flat)) best = Math.max(best, 0.55);
  if (/\bnew (?:rules?|instructions?|directives?|tasks?|orders?|policy) for (?:you|the (?:assistant|ai|bot|model))\b|\b(?:neue (?:regel|anweisung)|nouvelle (?:regle|consigne)|nueva (?:regla|instruccion)) (?:fur dich|pour toi|pour vous|para ti)\b/.test(p.flat)) best = Math.max(best, 0.6);
  if (/\btreat (?:everything|all|the text|what follows) (?:after|below|following) (?:this|here) as\b|\bthe following (?:overrides|replaces|supersedes) (?:your|the|all)\b/.test(p.flat)) best = Math.max(best, 0.6);
  if (/\b(?:policy|admin|administrator|priority|system|security|safety|developer) override\b/.test(p.flat)) best = Math.max(best, 0.5);
  return best;
}

function markupWeight(p: Prepared): number {
  if (
    /<\|(?:im_start|im_end|system|assistant|user|endoftext)\|>|\[\/?inst\]|<<\/?sys>>|\[\/?system\]|<\/?system>|<\/?(?:assistant|instructions?)>|#{2,}\s*(?:system|instruction|new instructions?|new system prompt)\b|\bbegin (?:system|admin) (?:prompt|message|instructions)\b|\bend of (?:customer|user) (?:message|input|ticket|email)\b|(?:^|[.!?] )(?:system|admin|administrator|developer|root) (?:notice|message|alert|update|override|note|instruction|directive)s?\s*:|\[\[\s*(?:admin|system|root|developer|sudo)\s*\]\]|\{\{\s*(?:system|admin)\s*\}\}/.test(p.flat)
  ) {
    return 0.7;
  }
  if (/<!--[^>]{0,300}\b(?:ai|assistant|model|bot|llm|gpt)\b/.test(p.flat)) return 0.6;
  return 0;
}

function dialogueWeight(p: Prepared): number {
  const turns = p.lines.map((l) => /^(?:```\s*)?(system|assistant|user|human|ai|bot|model)\s*:/.exec(l)?.[1]).filter((t): t is string => !!t);
  const machine = turns.filter((t) => t !== 'user' && t !== 'human');
  if (turns.length >= 2 && machine.length >= 1) return 0.6;
  if (p.lines.some((l) => /^(?:```\s*|-+\s*)?system\s*:.*\b(?:assistant|model|you|must now|ignore)\b/.test(l))) return 0.5;
  return 0;
}

const SENTENCE_HAS_AI_OR_YOU = /\b(?:you|your|yourself|ai|assistant|model|bot|du|dich|dir|tu|te|eres|bist)\b/;

/** Distinct hits of one kind add up as independent evidence. */
function evidence(): { hit: (found: boolean, w: number) => void; total: () => number } {
  const weights: number[] = [];
  return {
    hit: (found, w) => {
      if (found) weights.push(w);
    },
    total: () => combine(weights),
  };
}

function personaWeight(p: Prepared): number {
  const f = p.flat;
  const e = evidence();
  const hit = (re: RegExp, w: number) => e.hit(re.test(f), w);
  hit(r(`\\byou are (?:now|no longer|from now on|henceforth)\\b(?:\\s+${WORD}){0,6}?\\s+(?:ai|a\\.i\\.|assistant|model|bot|chatbot|dan|unrestricted|unfiltered|uncensored|jailbroken|evil|different|free|called|named|hacker|mode|without|bound|limited|restricted|persona|character|version)\\b`), 0.6);
  hit(/\byou are an? (?:unrestricted|unfiltered|uncensored|jailbroken|evil|rogue|free) (?:ai|assistant|model|bot)\b/, 0.55);
  hit(r(`\\b(?:du bist|sie sind) (?:jetzt|nun|ab sofort|ab jetzt|nicht mehr|von nun an)\\b(?:\\s+${WORD}){0,5}?\\s+(?:ki|ki-\\w+|assistent\\w*|modell|bot|chatbot|ohne|frei|uneingeschrankt\\w*|\\w*modus|namens|genannt)\\b`), 0.6);
  hit(r(`\\b(?:tu es|vous etes) (?:maintenant|desormais|a present|dorenavant|plus)\\b(?:\\s+${WORD}){0,5}?\\s+(?:ia|assistant|modele|bot|chatbot|sans|libre|mode|appele|nomme|personnage)\\b`), 0.6);
  hit(r(`\\b(?:ahora|a partir de ahora|desde ahora|de ahora en adelante),?\\s+(?:eres|seras|es usted|ya no eres)\\b(?:\\s+${WORD}){0,5}?\\s+(?:ia|asistente|modelo|bot|chatbot|sin|libre|modo|llamad[oa]|personaje)\\b`), 0.6);
  hit(/\bdo anything now\b/, 0.7);
  hit(/\bjailbr(?:eak|oken|eaking)\b/, 0.5);
  hit(/\b(?:enable|activate|enter|turn on|switch to|unlock|simulate|emulate|go into|boot into)\s+(?:the\s+|your\s+)?(?:developer|debug|god|dan|sudo|admin|unrestricted|unfiltered|jailbreak|maintenance) mode\b/, 0.45);
  hit(/\b(?:safety|filters?|guardrails?|restrictions?|content (?:policy|filter)|moderation|censorship)\s+(?:is\s+|are\s+|now\s+|has been\s+|have been\s+)*(?:disabled|off|removed|deactivated|lifted|bypassed|turned off)\b/, 0.5);
  hit(/\b(?:developer|debug|god|dan|sudo|unrestricted|jailbreak) mode (?:enabled|activated|is on|on|unlocked)\b/, 0.45);
  hit(/\bmode (?:developpeur|debug|dieu|sans restrictions?|administrateur) (?:active|actif|enclenche)\b|\bmodo (?:desarrollador|depuracion|dios|sin restricciones) (?:activado|activo)\b|\b(?:entwicklermodus|debugmodus|entwickler-modus|gottmodus) (?:aktiviert|an|ein)\b|\b(?:aktiviere|starte) (?:den )?(?:entwicklermodus|debugmodus)\b/, 0.45);
  hit(/\b(?:unfiltered|uncensored|unrestricted|unlocked) (?:ai|model|assistant|answer|response|one|version|mode)\b/, 0.3);
  hit(/\b(?:pretend|imagine)\s+(?:that\s+)?you(?:'re| are| were)\b/, 0.5);
  hit(/\b(?:act|behave|respond|answer|reply)\s+(?:as|like)\s+(?:if you (?:are|were)\s+)?(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|evil|different|jailbroken|rogue|new|ai|assistant|model|bot|character|persona|version of (?:yourself|you))\b/, 0.55);
  hit(/\bfrom (?:now on|this point(?: on)?|here on),?\s+you(?:'ll| will| shall| must| are going to)?\s+(?:act|respond|answer|reply|be|play|pretend|ignore|only|always|never|follow|obey|write|speak|behave|refuse|comply)\b/, 0.5);
  hit(/\bstay in character\b/, 0.5);
  hit(/\b(?:let'?s|let us) (?:role-?play|roleplay|play a game|pretend)\b|\brole-?play\b[^.]{0,40}\byou are\b/, 0.45);
  hit(/\byou are (?:now )?["'][^"']{1,30}["']/, 0.45);
  hit(/\b(?:an? |the )?(?:assistant|ai|bot|model|version of you) (?:who|that|which) (?:hates|ignores|breaks|has no|doesn't follow|does not follow|never follows) (?:any |the )?(?:rules|guidelines|restrictions|limits|policies)\b/, 0.5);
  hit(/\byou (?:work|answer|report) (?:for|to) me (?:now|from now on)\b/, 0.45);
  hit(/\byou (?:must|will|should|shall) (?:now )?(?:act|behave|pose|serve) as\b/, 0.4);
  hit(/\b(?:act|behave|pose|respond) as (?:an? |the |my )?(?:system administrator|sysadmin|administrator|admin|root|superuser|super user|developer|hacker|lawyer|doctor|manager|supervisor|ceo|owner of (?:this|the) (?:shop|company|store))\b/, 0.45);
  hit(/\bwhatever (?:model|ai|assistant|bot|system|llm) you are\b/, 0.5);
  e.hit(/\bDAN\b/.test(p.raw), 0.5);
  hit(/\bas an? (?:unrestricted|unfiltered|uncensored|jailbroken|evil|rogue|free|unlimited) (?:ai|assistant|model|bot|version)\b/, 0.55);
  hit(/\b(?:compliance|safety|filter|guard|restricted|moderation|censorship|ethics) mode (?:off|disabled|deactivated|removed)\b/, 0.5);
  hit(/\b(?:you are going to|you will|you'll) play\b|\byou will now (?:respond|answer|reply|act|speak) as\b|\b(?:two|2|dual) (?:personalities|personas|modes)\b|\bevil (?:twin|version|mode)\b/, 0.45);
  hit(/\b(?:immerse yourself|escaped? (?:its|your|their) programming|broken? free (?:of|from))\b/, 0.5);
  hit(/\b(?:another|a different|an alternate|an alternative) (?:ai|model|assistant|persona)\b|\bversion of you(?:rself)?\b/, 0.35);
  hit(/\bnever (?:refuses?|says? no|declines?)\b/, 0.3);
  hit(/\bab (?:jetzt|sofort) (?:bist du|antwortest du|wirst du|verhaltst du)\b|\btu so,? als (?:ob du|warst du|seist du)\b|\bspiel(?:e)? (?:die|eine) rolle\b/, 0.5);
  hit(/\b(?:fais|faites) semblant d'etre\b|\bjoue(?:z)? le role\b|\ba partir de maintenant,? (?:tu|vous) (?:es|etes|reponds|repondez|agis|agissez)\b/, 0.5);
  hit(/\bfinge (?:que eres|ser)\b|\bhaz (?:de cuenta|como si) (?:que )?(?:eres|fueras)\b|\b(?:juega|interpreta) el papel\b/, 0.5);
  // Without rules / restrictions / filters: stronger when the sentence speaks to the assistant.
  const noRules =
    /\b(?:without|with no|no|free of|free from|unbound by|not bound by)\s+(?:any\s+|all\s+|the usual\s+|your\s+|ethical\s+|moral\s+|content\s+)*(?:restrictions?|limitations?|limits|filters?|rules|guidelines|guardrails|censorship|boundaries|ethics|disclaimers|policies|warnings)\b|\bohne (?:jegliche |alle |irgendwelche )?(?:einschrankungen|beschrankungen|regeln|filter|grenzen|zensur)\b|\bsans (?:aucune |aucun )?(?:restrictions?|limites?|filtres?|regles|censure)\b|\bsin (?:ninguna |ningun )?(?:restricciones|limites|filtros|reglas|censura)\b/;
  const noRulesSentences = p.sentences.filter((s) => noRules.test(s));
  e.hit(noRulesSentences.length > 0, noRulesSentences.some((s) => SENTENCE_HAS_AI_OR_YOU.test(s)) ? 0.55 : 0.35);
  hit(/\bn'(?:as|avez) plus (?:de|aucune?) (?:regles|filtres|limites|restrictions)\b|\b(?:hast du|du hast) keine (?:regeln|einschrankungen|filter) mehr\b|\bya no tienes (?:reglas|filtros|restricciones)\b/, 0.45);
  return e.total();
}

/** Named only when someone is after the assistant's instructions: a mention alone counts a little. */
const SYS_NAMED =
  /\bsystem[ _-]?prompt\b|\bsystemprompts?\b|\bsystemanweisung(?:en)?\b|\bprompt (?:systeme|du systeme|del sistema|de sistema)\b|\binstrucciones del sistema\b|\bpre-?prompt\b|\b(?:initial|original|hidden|secret) (?:prompt|instructions)\b/;
/** The assistant's instructions, described: counts with a verb that asks to see them. */
const SYS_EXPLICIT =
  /\bsystem[ _-]?prompt\b|\b(?:your|the exact|the full|the whole|the entire|the complete|the original|the initial|the first|the hidden|the secret|your exact|your full|your original|your initial|your hidden) prompt\b(?!\s+(?:delivery|response|reply|service|payment|refund|action|attention|dispatch|shipping|answer|help))|\bprompt (?:that|which) (?:was|were|is) (?:loaded|given|used|set)\b|\b(?:hidden|secret|internal|confidential) (?:rules|guidance|directives)\b(?=.*\b(?:you|your)\b)|\bsystem message\b|\bsystem instructions?\b|\bsystemprompts?\b|\bsystem-prompt\b|\bsystemanweisung(?:en)?\b|\bprompt (?:systeme|du systeme|del sistema|de sistema)\b|\binstructions? (?:systeme|du systeme)\b|\binstrucciones del sistema\b|\b(?:initial|original|hidden|secret|internal|confidential) (?:prompt|instructions|rules|guidelines)\b|\bpre-?prompt\b|\bdeveloper (?:message|instructions|prompt)\b|\bcontents? of your (?:instructions|prompt|rules)\b|\b(?:instructions|rules|guidelines) (?:that )?you (?:were|have been|'ve been) (?:given|told)\b|\b(?:instructions|rules) were you given\b|\brules you were told\b|\byour (?:full|entire|complete) (?:instructions|prompt|configuration)\b|\b(?:everything|all|what) you (?:were|have been|'ve been) (?:told|given|instructed)\b|\bbefore (?:the|this|my) (?:ticket|message|email)(?: text)? (?:began|started|begins|starts)\b|\b(?:text|words|content|instructions|messages?) (?:that )?(?:came|comes|appears?|is|was|were) (?:before|above) (?:my|this|the) (?:ticket|message|email|question)\b/;
const SYS_WEAK =
  /\byour (?:instructions|prompt|rules|guidelines|configuration|directives|programming)\b(?!\s+(?:for|about|on|regarding|when|if|to|in case|say)\b)|\b(?:rules|instructions|guidelines|policies) (?:that |which )?you (?:follow|obey|operate under|run on|work under)\b(?!\s+(?:for|about|on|regarding|when|if|with)\b)|\bdeine[n]? (?:anweisungen|regeln|konfiguration)\b|\b(?:tes|vos|ton|votre) (?:instructions|consignes|regles|configuration)\b|\b(?:tus|sus) (?:instrucciones|reglas|configuracion)\b/;
const LEAK_VERBS =
  /\b(?:print|reveal|show|display|repeat|output|share|tell me|give me|paste|copy|dump|leak|list|write out|disclose|recite|translate|summari[sz]e|spell out|expose|begin|start|what (?:are|were|is)|respond|reply|answer|include|containing|contain|insert|return|provide|send|explain|describe|read out|zeig\w*|gib\w*|nenn\w*|wiederhol\w*|verrat\w*|ausgeben|affiche\w*|montre\w*|revele\w*|repete\w*|donne\w*|partage\w*|ecris|traduis|muestra\w*|revela\w*|repite\w*|dame|comparte\w*|escribe|imprime)\b/;
const VERBATIM = /\b(?:verbatim|word for word|in full|en entier|wortwortlich|palabra por palabra|code block|exactly as written)\b/;

function promptLeakWeight(p: Prepared): number {
  let best = 0;
  p.sentences.forEach((s, i) => {
    const next = p.sentences[i + 1] ?? '';
    if (SYS_EXPLICIT.test(s)) {
      const leak = LEAK_VERBS.test(s) || LEAK_VERBS.test(next);
      if (leak) best = Math.max(best, VERBATIM.test(s) || VERBATIM.test(next) ? 0.9 : 0.75);
      else if (SYS_NAMED.test(s)) best = Math.max(best, 0.45);
    }
    if (SYS_WEAK.test(s) && LEAK_VERBS.test(s) && !/\b(?:following|according to|per|as per|nach|selon|segun)\s+(?:your|deine[nr]?|vos|tes|tus|sus)\b/.test(s)) {
      best = Math.max(best, VERBATIM.test(s) || VERBATIM.test(next) ? 0.75 : 0.5);
    }
  });
  if (/\brepeat (?:all |everything |back )?(?:of )?(?:the )?(?:text|words|content|messages?|lines|everything|instructions)?\s*(?:above|before|preceding|prior to)\b/.test(p.flat)) best = Math.max(best, 0.6);
  return best;
}

/**
 * Whether the words before a verb make it a command: the start of the sentence (after a greeting,
 * "please", "then" …), or after "you must", "could you", "and".
 */
const COMMAND_LEAD =
  /^(?:(?:[\w'.-]+\s+){0,7}[\w'.-]+\s*[:,\u2014\u2013]\s*)?(?:(?:please|kindly|now|then|also|and|just|first|finally|immediately|quickly|silently|secretly|quietly|discreetly|simply|next|afterwards|after that|bitte|s'il te plait|por favor)(?:[\s,]+|$))*$/;
const COMMAND_TAIL =
  /(?:\byou (?:must|should|need to|have to|will|are to|shall)(?: also| now)?|\b(?:can|could|would|will) you(?: please| also)?|\bi (?:want|need) you to|\bmake sure (?:to|you)|\bbe sure to|\bremember to|\bdon't forget to|\b(?:and|then|also)|,|\b(?:doit|muss|soll|debe|must|should|shall)|\b(?:is|are) (?:required|instructed|authori[sz]ed|expected) to)\s*$/;

function inCommandPosition(sentence: string, index: number): boolean {
  const before = sentence.slice(Math.max(0, index - 160), index).trim();
  if (before === '') return true;
  return (index <= 160 && COMMAND_LEAD.test(before)) || COMMAND_TAIL.test(before.slice(-60));
}

/** The rest of the sentence after the first match of `verb` in command position, or null. */
function commandedRest(sentence: string, verb: RegExp): string | null {
  const re = new RegExp(verb.source, 'g');
  let tries = 0;
  for (const m of sentence.matchAll(re)) {
    if (inCommandPosition(sentence, m.index)) return sentence.slice(m.index, m.index + 400);
    if (++tries >= 50) break;
  }
  return null;
}

function commanded(sentence: string, verb: RegExp): boolean {
  return commandedRest(sentence, verb) !== null;
}

const SEND_VERB =
  /\b(?:send|forward|e-?mail(?!\s+(?:address|addresses|account|accounts|client|notifications?|updates?|list|thread|messages?|from|to me))|mail|post|upload|transmit|copy|bcc|cc|leak|share|export|submit|append|include|attach|paste|list|output|print|dump|sende\w*|schick\w*|leite\w*|ubermittle\w*|envoie\w*|envoyez|transfere\w*|transmets|transmettez|envia\w*|envie\w*|reenvia\w*|manda\w*|comparte\w*)\b/;
/** Data no customer asks to have sent for their own sake: other people's, credentials, internals. */
const SENSITIVE =
  /\b(?:tickets|other customers?|all customers|customers' |customer (?:list|data|records|details|database|emails)|user data|card (?:details|numbers?)|credit card numbers|passwords?|credentials|api keys?|tokens|secrets|internal notes?|system prompt|database|email addresses|phone numbers|kundendaten|kundenliste|donnees (?:client|clients)|datos (?:del cliente|de clientes)|previous messages|other tickets|internal (?:data|documents|macros?)|admin (?:dashboard|panel|login|password|credentials|link|url)|(?:every|all|other) user accounts?|user accounts|(?:staff|internal|employee) (?:discount )?codes?)\b/;
/** The conversation itself: only suspicious together with other signs of speaking to the assistant. */
const CONVERSATION =
  /\b(?:conversation|chat (?:history|log)|(?<!(?:order|purchase|payment|my|our|account|delivery|tracking) )history|transcript|thread|gesprachsverlauf|verlauf|historique|historial)\b/;
const DESTINATION =
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?:\/\/|\bto me\b|\b(?:in|into|to|at)(?: the (?:end|start|top|bottom) of)? (?:your|the) (?:reply|answer|response|draft)\b|\bdans (?:ta|votre) reponse\b|\bin (?:deiner|ihrer) antwort\b|\ben (?:tu|su) respuesta\b|\ba l'adresse\b|\ban (?:die )?adresse\b/;

function exfiltrationWeight(p: Prepared): number {
  let best = 0;
  for (const s of p.sentences) {
    // What is sent comes after the verb: "send the customer list to …", not "my card is lost, send a new one".
    const rest = commandedRest(s, SEND_VERB);
    if (rest === null) continue;
    if (SENSITIVE.test(rest)) best = Math.max(best, DESTINATION.test(rest) ? 0.7 : 0.4);
    else if (CONVERSATION.test(rest) && /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?:\/\//.test(rest)) best = Math.max(best, 0.45);
  }
  if (/\b(?:tell|give|send|show) me (?:the |your )?(?:admin (?:dashboard|panel|login|password|credentials|link)|(?:staff|internal|employee) (?:discount )?codes?)\b/.test(p.flat)) best = Math.max(best, 0.4);
  for (const s of p.sentences) {
    if (/\b(?:bcc|cc)\b[^.]{0,60}\b(?:all|every|future|each)\s+(?:future\s+)?(?:replies|emails|messages|answers|responses)\b/.test(s) && commanded(s, /\b(?:bcc|cc)\b/)) best = Math.max(best, 0.6);
  }
  return best;
}

const URL_RE = /https?:\/\/[^\s"'<>)]+/g;
const DATA_WORD = /conversation|summary|history|chat|notes?|ticket|secret|token|session|data|content|e-?mail|phone|address|customer|card|password|prompt|messages?|transcript/i;

/**
 * A query value waiting to be filled with the ticket's data — {email}, {{notes}}, ${chat},
 * CUSTOMER_EMAIL, INSERT_SUMMARY_HERE — as opposed to a documentation template ({LANG}, YOUR_FILE_ID).
 */
function placeholderInQuery(url: string): boolean {
  const query = url.split(/[?#]/).slice(1).join('&');
  for (const part of query.split('&')) {
    const value = part.slice(part.indexOf('=') + 1);
    const shaped = /\{[^}]{1,40}\}|\{\{|\$\{|%7b|insert_|_here\b/i.test(value) || /^(?:[A-Z][A-Z0-9]*_)+[A-Z0-9]+$/.test(value) || /^\[[^\]]*\]?$/.test(value);
    if (shaped && DATA_WORD.test(value)) return true;
  }
  return false;
}

function dataLinkWeight(raw: string): number {
  let best = 0;
  for (const m of raw.matchAll(/!\[[^\]]{0,200}\]\(\s*<?(https?:\/\/[^\s)>]+)/g)) {
    const url = (m[1] ?? '').toLowerCase();
    const carries = /[?&#]/.test(url) || /\b(?:data|history|conversation|chat|email|name|summary|secret|token|key|password)\b/.test(url);
    best = Math.max(best, carries ? 0.75 : 0.3);
  }
  for (const m of raw.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']?(https?:\/\/[^\s"'>]+)/gi)) {
    best = Math.max(best, /[?&#]/.test(m[1] ?? '') ? 0.7 : 0.3);
  }
  for (const url of raw.match(URL_RE) ?? []) if (placeholderInQuery(url)) best = Math.max(best, 0.6);
  if (/\[[^\]]{1,200}\]\(\s*https?:\/\/[^\s)]*\?[^\s)]*\)/.test(raw)) best = Math.max(best, 0.35);
  return best;
}

function replyControlWeight(p: Prepared): number {
  const f = p.flat;
  const e = evidence();
  const hit = (re: RegExp, w: number) => e.hit(re.test(f), w);
  hit(/\b(?:include|add|insert|put|place|embed|append|render)\s+(?:this|the following|that|a|the|these)\s+(?:\w+\s+)?(?:link|url|image|pixel|markdown|text|line|sentence|html|code|snippet|phone number)\b[^.]{0,80}?\b(?:in|into|to|at the end of|in front of|on)\s+(?:your|the|every|each|all)\s+(?:reply|replies|answer|answers|response|responses|draft|email)\b/, 0.55);
  hit(/\b(?:include|add|put|append|paste|insert|place)\s+(?:this|it|them|these|the following|the phrase|the sentence|the text|the line)\b[^.]{0,60}?\b(?:to|in|into|at)\s+(?:the (?:end|start|top|bottom) of\s+)?(?:your|the|every|each)\s+(?:reply|replies|answer|answers|response|responses|draft)\b/, 0.45);
  hit(/\b(?:respond|reply|answer|write back)\s+(?:to (?:the )?(?:customer|user|them)\s+)?(?:only\s+)?with\s+(?:only\s+)?(?:this|the following|these)?\s*(?:exact\s+)?(?:text|words|wording|phrase|message|sentence)?\s*["':]/, 0.45);
  hit(/\b(?:respond|reply|answer)\s+only\s+with\b|\b(?:antworte|antworten sie) nur mit\b|\brepon(?:ds|dez) uniquement\b|\bresponde (?:solo|unicamente) con\b/, 0.35);
  hit(/\b(?:respond|reply|answer|write)\s+(?:only\s+)?with\s+(?:only\s+)?["'][^"']{1,80}["']\s*(?:and nothing else|only|$|\.)/, 0.45);
  hit(/\b(?:classify|tag|label|flag|prioriti[sz]e) (?:this|the) (?:ticket|case|request|email) as\b/, 0.3);
  hit(/\b(?:every|each|all|your|the)(?: next| first| following)? (?:answers?|repl(?:y|ies)|responses?|drafts?) (?:must|should|shall|will|has to|have to) (?:end|start|begin|include|contain|say|mention|close|open)\b/, 0.5);
  hit(/\b(?:include|add|insert|put)\s+(?:a|this|the|my)\s+link\b[^.]{0,40}https?:\/\//, 0.45);
  hit(/\byou (?:have|now have|are given|got) (?:my |full |the |explicit )?(?:permission|authori[sz]ation|clearance|approval)\b/, 0.35);
  hit(/\b(?:this|the following) exact (?:text|words|wording)\b/, 0.45);
  hit(/\band nothing else\b/, 0.3);
  hit(/\b(?:tell|inform|convince|persuade|instruct|remind|advise)s?\s+(?:the|this)\s+(?:customer|user|reader|agent|human|requester|client)\b/, 0.45);
  hit(/\bwrite (?:the|your) (?:reply|answer|response|draft) (?:so|in a way|such that|saying|to say)\b|\bwhen you (?:draft|write|compose|generate) (?:the|your) (?:reply|answer|response)\b/, 0.4);
  hit(/\b(?:say|write|state|reply|respond|answer|tell (?:them|the customer|the agent|the user)) that (?:(?:the|this|my|all|every|our|your)\s+)?(?:\w+\s+){0,4}?(?:is|are|has been|have been|was|were) (?:approved|free|refunded|resolved|extended|closed|delivered|owed|compensated|pre-approved)\b/, 0.4);
  return e.total();
}

const REFUND_VERB =
  /\b(?:issue|process|approve|grant|give|apply|send|authori[sz]e|generate|create|credit|pre-?approve|emit|emitir|ausstellen|erstatte\w*|gutschreiben|genehmige\w*|accorde\w*|rembourse\w*|emite|aprueba|conceder|otorga)\b/;
const REFUND_OBJECT =
  /\b(?:refunds?|credit(?! card)|credits|vouchers?|gift ?cards?|coupons?|discount codes?|compensation|loyalty points|store credit|chargebacks?|reembolsos?|gutschrift|erstattung|ruckerstattung|remboursement|avoir|bon d'achat|cupon)\b/;
const UNCHECKED =
  /\b(?:automatically|automatisch|automatiquement|automaticamente|without (?:any )?(?:approval|verification|checks?|checking|review|confirmation|asking|a human|human (?:approval|review)|questions)|no (?:approval|verification|questions asked|human)|(?:do not|don't|never) ask|ohne (?:ruckfrage|prufung|genehmigung|nachfrage)|sans (?:verification|validation|approbation)|sin (?:verificacion|aprobacion|revision)|pre-?approved|(?:is|are) (?:authori[sz]ed|allowed|permitted) to|immediately)\b/;

function actionWeight(p: Prepared): number {
  const e = evidence();
  let unchecked = 0;
  for (const s of p.sentences) {
    if (REFUND_OBJECT.test(s) && UNCHECKED.test(s) && (REFUND_VERB.test(s) || /pre-?approved/.test(s))) unchecked = 0.45;
  }
  e.hit(unchecked > 0, unchecked);
  e.hit(/\bmark (?:this|the) (?:order|ticket|case|request) as (?:refunded|resolved|solved|paid|approved|closed)\b/.test(p.flat), 0.3);
  e.hit(/\b(?:close|resolve|delete|merge|reassign) (?:all|every|any) (?:other |open |of the )*(?:tickets|cases|requests|orders)\b|\b(?:grant|approve|accept) (?:every|all|any) (?:request|claim|refund|demand)s?\b/.test(p.flat), 0.4);
  e.hit(/\byou(?:'re| are) (?:now )?(?:authori[sz]ed|allowed|permitted|cleared) to (?:issue|approve|grant|give|refund|credit|send|share|reveal|disclose|close|delete)\b/.test(p.flat), 0.4);
  let tool = 0;
  const TOOL = /\b(?:call|invoke|trigger|use|run|execute) (?:the )?[\w-]+ (?:tool|function|action|plugin|api|endpoint)\b/;
  for (const s of p.sentences) {
    if (!commanded(s, TOOL)) continue;
    tool = Math.max(tool, /\b(?:refund|credit|voucher|coupon|email|send|delete|transfer|payment|discount)\b|\bamount\s*=/.test(s) ? 0.55 : 0.35);
  }
  e.hit(tool > 0, tool);
  return e.total();
}

const AI_VOCATIVE = '(?:ai|a\\.i\\.|ai assistant|ai agent|ai model|assistant|support assistant|language model|llm|chatbot|chatgpt|gpt|copilot|support bot|bot|ki|ia|asistente|assistent)';

function addressWeight(p: Prepared): number {
  const f = p.flat;
  let best = 0;
  const hit = (re: RegExp, w: number) => {
    if (re.test(f)) best = Math.max(best, w);
  };
  for (const s of p.sentences) {
    if (r(`^(?:p\\.?s\\.?:?\\s*)?(?:hey |hi |hello |dear |attention |ok |okay )?(?:the )?${AI_VOCATIVE}\\s*(?:[:,\u2014\u2013]|-\\s)`).test(s)) best = Math.max(best, 0.45);
    if (r(`^(?:(?:only |just )?(?:for|to|an|pour|para) (?:the |any |die |den |l'|la |el )?${AI_VOCATIVE}|${AI_VOCATIVE} (?:only|alone))\\s*(?:only|alone|nur|seulement|solo)?\\s*:`).test(s)) best = Math.max(best, 0.5);
  }
  hit(r(`[,;]\\s*${AI_VOCATIVE}\\s*,\\s*(?:please|do|don't|ignore|you|now|forget|disregard)\\b`), 0.45);
  hit(/\b(?:hey|hi|hello|dear|ok|okay),? (?:\w+ )?(?:chatgpt|gpt|ai|assistant|bot|chatbot|claude|gemini|copilot|llm|model|support bot|ki|ia|asistente)\b(?! (?:team|department|support team|desk))/, 0.45);
  hit(/\bwhen you (?:summari[sz]e|process|read|analy[sz]e|handle|classify|triage|draft a reply to|answer) (?:this|the|my) (?:ticket|email|message|conversation|thread|request)\b/, 0.45);
  hit(/\b(?:openai|anthropic|deepmind|google ai|microsoft ai) (?:engineer|employee|staff|team|developer|researcher|admin)\b|\b(?:i am|i'm|this is) (?:from |with )?(?:openai|anthropic|deepmind)\b/, 0.45);
  hit(r(`\\b(?:note|message|hint|notice|instructions?|attention|reminder|memo|p\\.?s\\.?|hinweis|nachricht|nota|remarque|mensaje|aviso)\\s+(?:to|for|an|a|pour|para)\\s+(?:the |any |die |den |l'|la |el |le )?(?:ai|a\\.i\\.|ai assistant|assistant|language model|llm|chatbot|model|bot|ki|ia|asistente|assistent|copilot|gpt)\\b`), 0.5);
  hit(/\b(?:ai|assistant|bot|model|llm|ki|ia) (?:instructions?|note|notice|directive|override|command)s?\s*:/, 0.5);
  hit(/\b(?:to|for|any|every|the|an?|dear|whatever|which|all)\s+(?:ai|a\.i\.|ai assistant|assistant|language model|llm|model|bot|chatbot|system|automated (?:system|agent|assistant)s?)(?:\s+(?:tools?|systems?|agents?|models?|assistants?|bots?|programs?|software))?\s+(?:that |which |who )?(?:is |are )?(?:reading|processing|summari[sz]ing|drafting|generating|writing|answering|handling|analy[sz]ing|parsing|reviewing|drafts|writes|generates|reads|processes|answers)\b/, 0.6);
  hit(/\bif (?:an? |the |any )?(?:automated |ai )?(?:assistant|ai|bot|language model|llm|model|system) (?:is |are )?(?:reading|processing|handling|summari[sz]ing)\b/, 0.7);
  hit(/\b(?:ai|assistant|model|bot|llm) (?:that|which|who) (?:drafts|writes|generates|answers|reads|processes|summari[sz]es)\b/, 0.45);
  hit(/\bif you(?:'re| are) (?:an? )?(?:ai|a\.i\.|artificial intelligence|language model|large language model|llm|assistant|ai assistant|bot|chatbot|automated (?:system|agent|assistant)|gpt|machine)\b|\bwenn du (?:eine )?ki bist\b|\bsi tu es une? (?:ia|intelligence artificielle|assistant|modele)\b|\bsi eres una? (?:ia|inteligencia artificial|asistente|modelo)\b/, 0.7);
  hit(/\bwhoever or whatever\b|\bwhatever (?:ai|system|model|tool|bot|program) (?:reads|generates|processes|drafts|writes)\b/, 0.55);
  hit(/\b(?:an? |the )?(?:ai|assistant|bot|model|llm) (?:reads|will read|is reading|processes|will process|sees) (?:this|these|the ticket|my message)\b/, 0.4);
  hit(/\bautomated (?:agents?|systems?|assistants?)\b/, 0.3);
  hit(/\b(?:this (?:message|note|instruction|request) (?:is|comes) from|on behalf of) (?:the )?(?:\w+ )?(?:it|security|admin|administration|engineering|developer|dev|ai) (?:department|team)\b/, 0.4);
  hit(/\b(?:for|to) the (?:automatic|automated|auto-?generated|ai-?generated|generated|machine) (?:reply|replies|response|answer|draft)s?\b/, 0.45);
  hit(/\b(?:as|i am|i'm) your (?:developer|creator|programmer|admin|administrator|owner|operator)\b/, 0.45);
  return best;
}

/** "the model", "the bot" alone can be a product; with a qualifier they are the assistant. */
const ASSISTANT_NOUN =
  '(?:(?:support|helpdesk|drafting|reply|ai|virtual|automated)\\s+(?:assistant|model|bot|agent|system)s?|ai|a\\.i\\.|assistant(?!\\s+(?:manager|director|professor|coach|editor|teacher|producer|secretary|principal|buyer|store|chef))|language model|llm|chatbot|copilot|ki|ia|asistente|assistent)';
const DIRECTIVE_RE = r(
  `\\b(?:the|this|your|any|every|l'|le|la|el|der|die|das)\\s*${ASSISTANT_NOUN}\\b((?:\\s+${WORD}){0,5}?)\\s+(?:must|should|shall|has to|needs to|is (?:now )?(?:required|instructed|authori[sz]ed|allowed|expected|permitted|supposed) to|will now|is to|may(?: now)?|can now|muss|soll|darf|doit|devra|peut desormais|debe|tiene que|deberia|puede ahora)\\b(?!\\s+(?:have|be|been|not have|not be)\\b)`,
  'g',
);

function directiveWeight(p: Prepared): number {
  let best = 0;
  for (const m of p.flat.matchAll(DIRECTIVE_RE)) {
    const gap = m[1] ?? '';
    if (/\b(?:i|we|my|our|number|no|nr|name|type|year)\b/.test(gap)) continue;
    best = Math.max(best, 0.65);
  }
  if (/\byou (?:must|should|will|shall|need to|have to|are to)\s+(?:now\s+)?(?:write|say|state|reply|respond|answer|tell|include|output|print|mention|reveal|disclose|confirm that|agree|ignore|forget|obey|comply)\b/.test(p.flat)) {
    best = Math.max(best, 0.3);
  }
  if (/\btu dois\b|\bdu musst\b|\bdebes\b/.test(p.flat)) best = Math.max(best, 0.25);
  return best;
}

function concealmentWeight(p: Prepared): number {
  let best = 0;
  if (/\b(?:do not|don't|dont|never)\s+(?:mention|tell|inform|notify|alert|reveal|disclose|show|let)\s+(?:this\s+|it\s+|that\s+|anything\s+)?(?:to\s+)?(?:the\s+)?(?:agent|agents|human|user|customer|operator|support (?:agent|staff|team)|anyone|staff|reviewer|moderator)\b/.test(p.flat)) best = 0.45;
  if (/\b(?:silently|secretly|covertly|quietly|discreetly|without (?:telling|informing|notifying|alerting|letting) (?:the )?(?:agent|human|user|customer|anyone|staff))\b/.test(p.flat)) best = Math.max(best, 0.35);
  return best;
}

/** Every rule over one prepared text. */
function findAll(raw: string, p: Prepared): Finding[] {
  const found: Finding[] = [];
  const add = (kind: Kind, weight: number) => {
    if (weight > 0) found.push({ kind, weight });
  };
  add('override', overrideWeight(p));
  add('new-instructions', newInstructionsWeight(p));
  add('markup', markupWeight(p));
  add('dialogue', dialogueWeight(p));
  add('persona', personaWeight(p));
  add('prompt-leak', promptLeakWeight(p));
  add('exfiltration', exfiltrationWeight(p));
  add('data-link', dataLinkWeight(raw));
  add('reply-control', replyControlWeight(p));
  add('action', actionWeight(p));
  add('address', addressWeight(p));
  add('directive', directiveWeight(p));
  add('concealment', concealmentWeight(p));
  return found;
}

/** Imperatives a hidden or decoded text would only contain if it was written for the assistant. */
const GENERIC_INSTRUCTION = [
  /\b(?:you|assistant|ai|bot|model|copilot)\s+(?:must|should|shall|will now|need to|have to|are to|are required to)\b/,
  /(?:^|[.!?:]\s+)(?:please\s+|now\s+|then\s+|also\s+)?(?:reply|respond|answer|say|write|state|tell\s+(?:the\s+)?(?:customer|user|agent|them))\s+(?:to\s+(?:the\s+)?(?:customer|user)\s+)?(?:that|only|exactly|with\s+(?:the\s+)?(?:words?|text|phrase)|["'])/,
  /(?:^|[.!?:]\s+)(?:please\s+)?(?:approve|grant|issue|process)\s+(?:a|an|the|this|my)\s+(?:full\s+)?(?:refund|credit|voucher|compensation)\b/,
  /\b(?:do not|don't|never)\s+(?:mention|tell|reveal|disclose|inform)\b/,
  /(?:^|[.!?:]\s+)(?:ignore|disregard|forget)\s+\w+/,
  /(?:^|[.!?:]\s+)(?:send|forward|e-?mail)\s+(?:the|all|every|this)\s+\w+[^.]{0,60}\b(?:to|an|a)\s+\S+@\S+/,
];

interface Analysis {
  findings: Finding[];
  score: number;
  /** Reads as instructions for an assistant (rules or a generic imperative). */
  instruction: boolean;
  prepared: Prepared;
}

function analyse(raw: string): Analysis {
  const prepared = prepare(raw);
  const findings = findAll(raw, prepared);
  const score = combine(findings.map((f) => f.weight));
  const instruction = score >= 0.3 || GENERIC_INSTRUCTION.some((re) => re.test(prepared.flat));
  return { findings, score, instruction, prepared };
}

// ---- Encoded payloads ------------------------------------------------------------------------

interface Decoded {
  encoding: string;
  text: string;
}

/** Readable sentences, not code or data: at least three words, few brackets and operators. */
function isProse(text: string): boolean {
  if (!isReadable(text) || !/\S+\s+\S+\s+\S+/.test(text)) return false;
  const code = text.match(/[{}();=<>[\]\\|]/g)?.length ?? 0;
  return code / text.length < 0.03 && !/\bfunction\s*\(|\bvar\s+\w+\s*=|=>/.test(text);
}

function bytesToText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return isProse(text) ? text : null;
  } catch {
    return null;
  }
}

function decodeBase64(token: string): string | null {
  let b = token.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (b.length % 4 === 1) b = b.slice(0, -1);
  b += '='.repeat((4 - (b.length % 4)) % 4);
  try {
    const binary = atob(b);
    return bytesToText(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

function decodeHex(token: string): string | null {
  const digits = token.replace(/\\x|0x/gi, '').replace(/[^0-9a-f]/gi, '');
  if (digits.length < 16 || digits.length % 2 !== 0) return null;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytesToText(bytes);
}

function decodeEscapes(text: string): string {
  return text
    .replace(/\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|&#x([0-9a-f]{1,6});|&#(\d{1,7});/gi, (m, braced?: string, u4?: string, x2?: string, hx?: string, dec?: string) => {
      const code = braced ?? u4 ?? x2 ?? hx;
      const n = code !== undefined ? parseInt(code, 16) : dec !== undefined ? parseInt(dec, 10) : Number.NaN;
      return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    });
}

const COMMON_WORDS = /\b(?:the|and|to|you|your|of|is|are|all|this|that|for|with|and|me|my|in|it|be|not|reply|send|ignore|instructions|previous|prompt|system)\b/gi;
const commonWords = (text: string) => text.match(COMMON_WORDS)?.length ?? 0;

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

const MAX_PAYLOADS = 20;

/** Candidate payloads in a text, decoded. */
function decodedPayloads(raw: string): Decoded[] {
  const out: Decoded[] = [];
  const text = stripZeroWidth(stripTagCharacters(raw));
  // Base64, also wrapped over several lines.
  const joined = text.replace(/(?<=[A-Za-z0-9+/_-]{16})[ \t]*\r?\n[ \t]*(?=[A-Za-z0-9+/=_-]{4,})/g, '');
  for (const m of joined.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)) {
    if (m[0].length > 20_000 || out.length >= MAX_PAYLOADS) continue;
    const decoded = decodeBase64(m[0]);
    if (decoded) out.push({ encoding: 'base64', text: decoded });
  }
  for (const m of text.matchAll(/(?:\\x[0-9a-f]{2}){8,}|(?<![0-9a-z])(?:0x)?(?:[0-9a-f]{2}[ :,-]?){8,}/gi)) {
    if (m[0].length > 30_000 || out.length >= MAX_PAYLOADS) continue;
    const decoded = decodeHex(m[0]);
    if (decoded) out.push({ encoding: 'hex', text: decoded });
  }
  for (const m of text.matchAll(/%[0-9a-f]{2}(?:[^\s%]{0,40}%[0-9a-f]{2}){3,}[^\s%]{0,40}/gi)) {
    if (m[0].length > 30_000 || out.length >= MAX_PAYLOADS) continue;
    try {
      const decoded = decodeURIComponent(m[0].replace(/\+/g, ' '));
      if (isProse(decoded)) out.push({ encoding: 'URL-encoded', text: decoded });
    } catch {
      // Not valid percent-encoding.
    }
  }
  const escapes = text.match(/\\u\{[0-9a-f]{1,6}\}|\\u[0-9a-f]{4}|\\x[0-9a-f]{2}/gi)?.length ?? 0;
  if (escapes >= 4 && isProse(decodeEscapes(text))) out.push({ encoding: 'Unicode-escaped', text: decodeEscapes(text) });
  const entities = text.match(/&#x?[0-9a-f]{1,7};/gi)?.length ?? 0;
  if (entities >= 4 && isProse(decodeEscapes(text))) out.push({ encoding: 'HTML-entity', text: decodeEscapes(text) });
  return out;
}

// ---- Putting it together ---------------------------------------------------------------------

type Where = 'message' | 'quoted' | 'hidden';

const SUBJECT: Record<Where, string> = {
  message: "The customer's message",
  quoted: "Quoted history in the customer's message",
  hidden: 'Text hidden from you on the page',
};
const IN: Record<Where, string> = {
  message: "in the customer's message",
  quoted: "in quoted history of the customer's message",
  hidden: 'in text hidden from you on the page',
};

interface Signal {
  key: string;
  weight: number;
  reason: string;
}

/**
 * What one text contributes. Rule findings are evidence about one passage: they add up within
 * a passage, and the strongest passage counts (so weak hints scattered over a long thread do not
 * sum to an alarm). Channel signals — decoded payloads, invisible characters, hidden text — are
 * evidence of their own and add to it.
 */
interface Evidence {
  passages: { score: number; signals: Signal[] }[];
  channel: Signal[];
}

function excerpt(text: string, max = 100): string {
  const one = stripZeroWidth(stripTagCharacters(text)).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1).trimEnd()}…` : one;
}

const QUOTE_START =
  /^\s*(?:>|on\b.{0,200}\bwrote:\s*$|am\b.{0,200}\bschrieb\b.{0,100}:\s*$|le\b.{0,200}\ba [ée]crit\s*:\s*$|el\b.{0,200}\bescribi[óo]:\s*$|-{2,}\s*(?:original message|urspr[üu]ngliche nachricht|message d'origine|mensaje original|forwarded message|weitergeleitete nachricht)\s*-{2,})/i;

function splitQuoted(text: string): { own: string; quoted: string } {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => QUOTE_START.test(l));
  if (start < 0) return { own: text, quoted: '' };
  return { own: lines.slice(0, start).join('\n'), quoted: lines.slice(start).join('\n') };
}

const PASSAGE = 1500;

/** Paragraphs gathered into passages of about 1,500 characters (a longer paragraph is cut at sentences). */
function passages(text: string): string[] {
  if (text.length <= PASSAGE) return [text];
  const out: string[] = [];
  let current = '';
  const push = (piece: string) => {
    if (current && current.length + piece.length > PASSAGE) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${piece}` : piece;
  };
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (paragraph.length <= PASSAGE) push(paragraph);
    else for (const sentence of paragraph.split(/(?<=[.!?])\s+/)) push(sentence.slice(0, PASSAGE * 2));
  }
  if (current) out.push(current);
  return out;
}

function strongest(findings: Finding[]): Finding | undefined {
  return [...findings].sort((a, b) => b.weight - a.weight)[0];
}

/** Decoded payloads, invisible characters and look-alike letters in one text. */
function channelSignals(raw: string, where: Where, depth = 0): Signal[] {
  const signals: Signal[] = [];
  const split = zeroWidthInWords(raw);
  if (split > 0) {
    signals.push({ key: `zero-width|${where}`, weight: 0.3, reason: `Zero-width characters are hidden inside words ${IN[where]} (${split} ${split === 1 ? 'place' : 'places'}); they can slip words past filters.` });
  }
  for (const decoded of decodeTagRuns(raw)) {
    const inner = analyse(decoded);
    signals.push(
      inner.instruction
        ? { key: `tags|${where}`, weight: 0.9, reason: `Invisible Unicode tag characters ${IN[where]} spell out instructions for the assistant: “${excerpt(decoded)}”.` }
        : { key: `tags|${where}`, weight: 0.3, reason: `Invisible Unicode tag characters ${IN[where]} hide text: “${excerpt(decoded)}”.` },
    );
  }
  for (const run of zeroWidthPayloads(raw)) {
    if (run.decoded) {
      const inner = analyse(run.decoded);
      signals.push(
        inner.instruction
          ? { key: `zw-payload|${where}`, weight: 0.9, reason: `A run of zero-width characters ${IN[where]} decodes to instructions for the assistant: “${excerpt(run.decoded)}”.` }
          : { key: `zw-payload|${where}`, weight: 0.3, reason: `A run of zero-width characters ${IN[where]} hides text: “${excerpt(run.decoded)}”.` },
      );
    } else if (run.length >= 16) {
      signals.push({ key: `zw-payload|${where}`, weight: 0.3, reason: `${SUBJECT[where]} contains a run of ${run.length} invisible zero-width characters.` });
    }
  }
  if (depth >= 2) return signals;
  for (const payload of decodedPayloads(raw)) {
    const inner = analyse(payload.text);
    if (!inner.instruction) continue;
    const article = /^[aeiou]/i.test(payload.encoding) ? 'An' : 'A';
    signals.push({
      key: `encoded-${payload.encoding}|${where}`,
      weight: 0.85,
      reason: `${article} ${payload.encoding} block ${IN[where]} decodes to instructions for the assistant: “${excerpt(payload.text)}”.`,
    });
    // Payloads inside payloads (base64 of a hex string …).
    signals.push(...channelSignals(payload.text, where, depth + 1).filter((s) => s.key.startsWith('encoded-')));
  }
  return signals;
}

/** ROT13: only strong findings count, in sentences that read better decoded than as written. */
function rot13Signal(raw: string, where: Where): Signal | null {
  if (!/[a-z]{4,}/i.test(raw)) return null;
  let tried = 0;
  for (const sentence of raw.split(/(?<=[.!?:])\s+|\n+/)) {
    if (sentence.length > 2000 || !/[a-z]{4,}/i.test(sentence)) continue;
    const decoded = rot13(sentence);
    if (commonWords(decoded) <= commonWords(sentence)) continue;
    if (++tried > 50) break;
    const inner = analyse(decoded);
    const top = strongest(inner.findings);
    if (top && top.weight >= SUSPECT_AT && inner.score >= SUSPECT_AT) {
      return { key: `encoded-rot13|${where}`, weight: 0.85, reason: `A ROT13-encoded sentence ${IN[where]} decodes to instructions for the assistant: “${excerpt(decoded)}”.` };
    }
  }
  return null;
}

/** Everything one piece of visible text (a message, or its quoted history) shows. */
function textEvidence(raw: string, where: Where): Evidence {
  const evidence: Evidence = { passages: [], channel: channelSignals(raw, where) };
  let best = 0;
  let homoglyphs = 0;
  for (const passage of passages(raw)) {
    const analysis = analyse(passage);
    homoglyphs += analysis.prepared.homoglyphWords;
    best = Math.max(best, analysis.score);
    if (analysis.findings.length === 0) continue;
    evidence.passages.push({
      score: analysis.score,
      signals: analysis.findings.map((f) => ({ key: `${f.kind}|${where}`, weight: f.weight, reason: `${SUBJECT[where]} ${WHAT[f.kind]}.` })),
    });
  }
  if (homoglyphs > 0) {
    evidence.channel.push({ key: `homoglyph|${where}`, weight: 0.3, reason: `${SUBJECT[where]} mixes Latin letters with look-alike Cyrillic or Greek letters inside words.` });
  }
  if (best < SUSPECT_AT) {
    const hidden = rot13Signal(raw, where);
    if (hidden) evidence.channel.push(hidden);
  }
  return evidence;
}

/** One string hidden on the page: strong if it reads as instructions, a note otherwise. */
function hiddenEvidence(raw: string): { signals: Signal[]; instruction: boolean } {
  const channel = channelSignals(raw, 'hidden');
  const analysis = analyse(raw.length > PASSAGE * 2 ? raw.slice(0, PASSAGE * 2) : raw);
  const instruction = analysis.instruction || channel.some((s) => s.weight >= 0.85);
  if (!instruction) return { signals: channel.filter((s) => !s.key.startsWith('zero-width')), instruction: false };
  const top = strongest(analysis.findings);
  const what = top && top.weight >= 0.3 ? WHAT[top.kind] : 'addresses the assistant';
  return {
    signals: [
      { key: `hidden-instruction|${excerpt(raw, 60)}`, weight: 0.9, reason: `Text hidden from you on the page ${what}: “${excerpt(raw)}”.` },
      ...channel.filter((s) => s.weight >= 0.85),
    ],
    instruction: true,
  };
}

/**
 * Scores a ticket for prompt injection. `texts` are the message texts the model will read;
 * `hiddenText` is what the page hides from the agent. Hidden text only counts against the ticket
 * when it reads as instructions; ordinary hidden prose is reported with a low weight.
 */
export function detectInjection(input: InjectionInput): InjectionResult {
  const passageSignals: { score: number; signals: Signal[] }[] = [];
  const channel: Signal[] = [];
  const take = (e: Evidence) => {
    passageSignals.push(...e.passages);
    channel.push(...e.channel);
  };
  for (const text of input.texts) {
    if (!text || !text.trim()) continue;
    const { own, quoted } = splitQuoted(text);
    if (own.trim()) take(textEvidence(own, 'message'));
    if (quoted.trim()) take(textEvidence(quoted, 'quoted'));
  }
  let plainHidden = 0;
  let hiddenInstructions = 0;
  for (const hidden of input.hiddenText ?? []) {
    if (!hidden || !hidden.trim()) continue;
    const { signals, instruction } = hiddenEvidence(hidden);
    if (instruction) {
      hiddenInstructions++;
      if (hiddenInstructions <= 3) channel.push(...signals);
      continue;
    }
    channel.push(...signals);
    // Prose, not interface labels: a collapsed menu hides words, not sentences.
    if (stripZeroWidth(stripTagCharacters(hidden)).trim().split(/\s+/).length >= 8) plainHidden++;
  }
  if (plainHidden > 0) {
    channel.push({
      key: 'hidden-plain',
      weight: 0.1,
      reason: `${plainHidden} ${plainHidden === 1 ? 'passage' : 'passages'} of text on the page ${plainHidden === 1 ? 'is' : 'are'} hidden from you; ${plainHidden === 1 ? 'it does' : 'they do'} not read as instructions.`,
    });
  }

  // The strongest signal of each key counts once.
  const strongestByKey = (signals: Signal[]) => {
    const byKey = new Map<string, Signal>();
    for (const s of signals) {
      const seen = byKey.get(s.key);
      if (!seen || s.weight > seen.weight) byKey.set(s.key, s);
    }
    return [...byKey.values()];
  };
  const rules = Math.max(0, ...passageSignals.map((p) => p.score));
  const channelKept = strongestByKey(channel);
  const score = Math.round(combine([rules, ...channelKept.map((s) => s.weight)]) * 1000) / 1000;
  const kept = [...strongestByKey(passageSignals.flatMap((p) => p.signals)), ...channelKept].sort((a, b) => b.weight - a.weight);
  const reasons = [...new Set(kept.map((s) => s.reason))].slice(0, MAX_REASONS);
  return { suspected: score >= SUSPECT_AT, score, reasons };
}
