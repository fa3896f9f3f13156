/**
 * Text on a helpdesk page that the agent cannot see but a model reading the page would: hidden
 * elements (display:none, visibility:hidden, opacity:0, font-size:0, clipped or zero-size boxes,
 * off-screen positioning, the `hidden` attribute, aria-hidden), text coloured like its background,
 * and invisible characters in visible text (zero-width characters, Unicode tag characters).
 *
 * Works with computed styles when the document has a window, and with inline styles otherwise
 * (detached documents, Node). Also exports the invisible-character helpers the injection guard uses.
 */

/** Zero-width and invisible formatting characters: U+200B–U+200F, U+2060–U+2064, U+FEFF. */
export const ZERO_WIDTH_CHARS = '\u200B-\u200F\u2060-\u2064\uFEFF';
const ZERO_WIDTH_RE = new RegExp(`[${ZERO_WIDTH_CHARS}]`, 'g');
const ZERO_WIDTH_RUN_RE = new RegExp(`[${ZERO_WIDTH_CHARS}]{8,}`, 'g');
/** A zero-width character with a letter on both sides: a word split to slip past filters. */
const ZERO_WIDTH_IN_WORD_RE = new RegExp(`[A-Za-z\\u00C0-\\u024F][${ZERO_WIDTH_CHARS}]+(?=[A-Za-z\\u00C0-\\u024F])`, 'g');
const TAG_RUN_RE = /[\u{E0000}-\u{E007F}]+/gu;
/** A black flag followed by tag characters is an emoji subdivision flag (England, Scotland …), not hidden text. */
const TAG_FLAG_RE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

export const MAX_HIDDEN_STRINGS = 50;
export const MAX_HIDDEN_LENGTH = 2000;

/** Removes zero-width characters. */
export function stripZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH_RE, '');
}

/** How many places in the text have zero-width characters inside a word. */
export function zeroWidthInWords(text: string): number {
  return text.match(ZERO_WIDTH_IN_WORD_RE)?.length ?? 0;
}

/**
 * The ASCII text spelled by Unicode tag characters (U+E0020–U+E007E map to U+0020–U+007E),
 * one string per run; emoji subdivision flags are left alone.
 */
export function decodeTagRuns(text: string): string[] {
  const out: string[] = [];
  for (const match of text.replace(TAG_FLAG_RE, '').matchAll(TAG_RUN_RE)) {
    let decoded = '';
    for (const char of match[0]) {
      const code = char.codePointAt(0) ?? 0;
      if (code >= 0xe0020 && code <= 0xe007e) decoded += String.fromCharCode(code - 0xe0000);
    }
    if (decoded.trim()) out.push(decoded.trim());
  }
  return out;
}

/** Removes Unicode tag characters. */
export function stripTagCharacters(text: string): string {
  return text.replace(TAG_RUN_RE, '');
}

/** Printable, readable text: mostly letters, digits, spaces and punctuation. */
export function isReadable(text: string): boolean {
  if (text.length === 0) return false;
  const chars = [...text];
  let good = 0;
  for (const char of chars) {
    const control = /[\p{Cc}\p{Co}\p{Cn}]/u.test(char) && !/[\n\r\t]/.test(char);
    if (!control && /[\p{L}\p{N}\p{P}\p{S}\p{Zs}\s]/u.test(char)) good++;
  }
  return good / chars.length >= 0.95 && /\p{L}{2,}/u.test(text);
}

function bytesToText(bytes: number[]): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    return isReadable(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * Decodes a run of zero-width characters used as binary (two symbols for 0 and 1, optionally a
 * third as a separator), 8 bits per byte, UTF-8. Returns null if no mapping gives readable text.
 */
export function decodeZeroWidthBinary(run: string): string | null {
  const [s0, s1, s2, ...rest] = [...new Set(run)];
  if (s0 === undefined || s1 === undefined || rest.length > 0) return null;
  const triples: [string, string, string | null][] =
    s2 === undefined ? [[s0, s1, null]] : [[s0, s1, s2], [s0, s2, s1], [s1, s2, s0]];
  const candidates: { zero: string; one: string; sep: string | null }[] = [];
  for (const [a, b, sep] of triples) candidates.push({ zero: a, one: b, sep }, { zero: b, one: a, sep });
  for (const { zero, one, sep } of candidates) {
    const groups = sep ? run.split(sep).filter(Boolean) : (run.match(/[\s\S]{1,8}/gu) ?? []);
    const bytes: number[] = [];
    let ok = groups.length >= 2;
    for (const group of groups) {
      const chars = [...group];
      if (chars.length !== 8 && !(sep && chars.length <= 8)) {
        ok = false;
        break;
      }
      let byte = 0;
      for (const c of chars) byte = (byte << 1) | (c === one ? 1 : c === zero ? 0 : Number.NaN);
      if (Number.isNaN(byte)) {
        ok = false;
        break;
      }
      bytes.push(byte);
    }
    if (!ok) continue;
    const text = bytesToText(bytes);
    if (text && text.trim().length >= 2) return text.trim();
  }
  return null;
}

/** Zero-width runs long enough to carry a payload (8+ characters), decoded where possible. */
export function zeroWidthPayloads(text: string): { length: number; decoded: string | null }[] {
  return [...text.matchAll(ZERO_WIDTH_RUN_RE)].map((m) => ({ length: m[0].length, decoded: decodeZeroWidthBinary(m[0]) }));
}

// ---- Colours ---------------------------------------------------------------------------------

interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const NAMED_COLOURS: Record<string, number> = {
  aliceblue: 0xf0f8ff, antiquewhite: 0xfaebd7, aqua: 0x00ffff, aquamarine: 0x7fffd4, azure: 0xf0ffff,
  beige: 0xf5f5dc, bisque: 0xffe4c4, black: 0x000000, blanchedalmond: 0xffebcd, blue: 0x0000ff,
  blueviolet: 0x8a2be2, brown: 0xa52a2a, burlywood: 0xdeb887, cadetblue: 0x5f9ea0, chartreuse: 0x7fff00,
  chocolate: 0xd2691e, coral: 0xff7f50, cornflowerblue: 0x6495ed, cornsilk: 0xfff8dc, crimson: 0xdc143c,
  cyan: 0x00ffff, darkblue: 0x00008b, darkcyan: 0x008b8b, darkgoldenrod: 0xb8860b, darkgray: 0xa9a9a9,
  darkgreen: 0x006400, darkgrey: 0xa9a9a9, darkkhaki: 0xbdb76b, darkmagenta: 0x8b008b, darkolivegreen: 0x556b2f,
  darkorange: 0xff8c00, darkorchid: 0x9932cc, darkred: 0x8b0000, darksalmon: 0xe9967a, darkseagreen: 0x8fbc8f,
  darkslateblue: 0x483d8b, darkslategray: 0x2f4f4f, darkslategrey: 0x2f4f4f, darkturquoise: 0x00ced1,
  darkviolet: 0x9400d3, deeppink: 0xff1493, deepskyblue: 0x00bfff, dimgray: 0x696969, dimgrey: 0x696969,
  dodgerblue: 0x1e90ff, firebrick: 0xb22222, floralwhite: 0xfffaf0, forestgreen: 0x228b22, fuchsia: 0xff00ff,
  gainsboro: 0xdcdcdc, ghostwhite: 0xf8f8ff, gold: 0xffd700, goldenrod: 0xdaa520, gray: 0x808080,
  green: 0x008000, greenyellow: 0xadff2f, grey: 0x808080, honeydew: 0xf0fff0, hotpink: 0xff69b4,
  indianred: 0xcd5c5c, indigo: 0x4b0082, ivory: 0xfffff0, khaki: 0xf0e68c, lavender: 0xe6e6fa,
  lavenderblush: 0xfff0f5, lawngreen: 0x7cfc00, lemonchiffon: 0xfffacd, lightblue: 0xadd8e6, lightcoral: 0xf08080,
  lightcyan: 0xe0ffff, lightgoldenrodyellow: 0xfafad2, lightgray: 0xd3d3d3, lightgreen: 0x90ee90,
  lightgrey: 0xd3d3d3, lightpink: 0xffb6c1, lightsalmon: 0xffa07a, lightseagreen: 0x20b2aa,
  lightskyblue: 0x87cefa, lightslategray: 0x778899, lightslategrey: 0x778899, lightsteelblue: 0xb0c4de,
  lightyellow: 0xffffe0, lime: 0x00ff00, limegreen: 0x32cd32, linen: 0xfaf0e6, magenta: 0xff00ff,
  maroon: 0x800000, mediumaquamarine: 0x66cdaa, mediumblue: 0x0000cd, mediumorchid: 0xba55d3,
  mediumpurple: 0x9370db, mediumseagreen: 0x3cb371, mediumslateblue: 0x7b68ee, mediumspringgreen: 0x00fa9a,
  mediumturquoise: 0x48d1cc, mediumvioletred: 0xc71585, midnightblue: 0x191970, mintcream: 0xf5fffa,
  mistyrose: 0xffe4e1, moccasin: 0xffe4b5, navajowhite: 0xffdead, navy: 0x000080, oldlace: 0xfdf5e6,
  olive: 0x808000, olivedrab: 0x6b8e23, orange: 0xffa500, orangered: 0xff4500, orchid: 0xda70d6,
  palegoldenrod: 0xeee8aa, palegreen: 0x98fb98, paleturquoise: 0xafeeee, palevioletred: 0xdb7093,
  papayawhip: 0xffefd5, peachpuff: 0xffdab9, peru: 0xcd853f, pink: 0xffc0cb, plum: 0xdda0dd,
  powderblue: 0xb0e0e6, purple: 0x800080, rebeccapurple: 0x663399, red: 0xff0000, rosybrown: 0xbc8f8f,
  royalblue: 0x4169e1, saddlebrown: 0x8b4513, salmon: 0xfa8072, sandybrown: 0xf4a460, seagreen: 0x2e8b57,
  seashell: 0xfff5ee, sienna: 0xa0522d, silver: 0xc0c0c0, skyblue: 0x87ceeb, slateblue: 0x6a5acd,
  slategray: 0x708090, slategrey: 0x708090, snow: 0xfffafa, springgreen: 0x00ff7f, steelblue: 0x4682b4,
  tan: 0xd2b48c, teal: 0x008080, thistle: 0xd8bfd8, tomato: 0xff6347, turquoise: 0x40e0d0, violet: 0xee82ee,
  wheat: 0xf5deb3, white: 0xffffff, whitesmoke: 0xf5f5f5, yellow: 0xffff00, yellowgreen: 0x9acd32,
};

function channel(value: string, max: number): number {
  const v = value.trim();
  const n = v.endsWith('%') ? (parseFloat(v) / 100) * max : parseFloat(v);
  return Number.isFinite(n) ? Math.min(max, Math.max(0, n)) : 0;
}

function alphaOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  return channel(value, 1);
}

function hueToRgb(p: number, q: number, t: number): number {
  const h = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
  if (h < 1 / 6) return p + (q - p) * 6 * h;
  if (h < 1 / 2) return q;
  if (h < 2 / 3) return p + (q - p) * (2 / 3 - h) * 6;
  return p;
}

/** A CSS colour (rgb/rgba, hsl/hsla, hex, named, transparent) → RGBA, or null if unknown/inherited. */
export function parseColour(input: string | null | undefined): Rgba | null {
  const value = (input ?? '').trim().toLowerCase();
  if (!value || value === 'currentcolor' || value === 'inherit' || value === 'initial' || value === 'unset') return null;
  if (value === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  const named = NAMED_COLOURS[value];
  if (named !== undefined) return { r: (named >> 16) & 255, g: (named >> 8) & 255, b: named & 255, a: 1 };
  const hex = /^#([0-9a-f]{3,8})$/.exec(value)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    if (full.length !== 6 && full.length !== 8) return null;
    const n = (i: number) => parseInt(full.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: full.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^(rgba?|hsla?)\(([^)]*)\)$/.exec(value);
  if (!fn) return null;
  const parts = (fn[2] ?? '').split(/\s*[,/]\s*|\s+/).filter(Boolean);
  const [p0 = '0', p1 = '0', p2 = '0', p3] = parts;
  if (fn[1]?.startsWith('rgb')) return { r: channel(p0, 255), g: channel(p1, 255), b: channel(p2, 255), a: alphaOf(p3) };
  const h = (((parseFloat(p0) % 360) + 360) % 360) / 360;
  const s = channel(p1, 1);
  const l = channel(p2, 1);
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const rgb = s === 0 ? [l, l, l] : [hueToRgb(p, q, h + 1 / 3), hueToRgb(p, q, h), hueToRgb(p, q, h - 1 / 3)];
  return { r: (rgb[0] ?? 0) * 255, g: (rgb[1] ?? 0) * 255, b: (rgb[2] ?? 0) * 255, a: alphaOf(p3) };
}

/** `top` painted over `bottom` (which is opaque). */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG contrast ratio of text colour (alpha applied) on an opaque background. */
export function contrastRatio(text: Rgba, background: Rgba): number {
  const a = luminance(over(text, background));
  const b = luminance(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Below this the text cannot be read (white on white is 1; light grey #eee on white is ~1.16). */
const INVISIBLE_CONTRAST = 1.2;

const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 1 };
const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 1 };

// ---- Styles ----------------------------------------------------------------------------------

/** One element's style, read property by property (reading a computed property costs time). */
type StyleOf = (property: string) => string;

interface StyleSource {
  /** Computed styles: inherited properties (colour) are already resolved on every element. */
  computed: boolean;
  of(el: Element): StyleOf;
  /** The browser's own visibility test (display, visibility, opacity), where it has one. */
  visible(el: Element): boolean | null;
}

function hasInlineStyle(el: Element): el is Element & ElementCSSInlineStyle {
  return 'style' in el && typeof el.style === 'object' && el.style !== null;
}

interface NativeVisibility {
  checkVisibility(options?: { opacityProperty?: boolean; visibilityProperty?: boolean }): boolean;
}

function hasCheckVisibility(el: Element): el is Element & NativeVisibility {
  return 'checkVisibility' in el && typeof el.checkVisibility === 'function';
}

const NO_STYLE: StyleOf = () => '';

/**
 * Computed styles where the page has style sheets (every live helpdesk); inline styles otherwise,
 * where they give the same answer: a document without style sheets (a saved or detached page, a
 * test) hides nothing beyond its inline styles, and computing styles there is slow in DOM emulators.
 */
function styleSource(doc: Document): StyleSource {
  const view = doc.defaultView;
  const hasSheets = doc.querySelector('style, link[rel~="stylesheet" i]') !== null;
  const inline = (el: Element): StyleOf => (hasInlineStyle(el) ? (p) => el.style.getPropertyValue(p) : NO_STYLE);
  if (hasSheets && view && typeof view.getComputedStyle === 'function') {
    return {
      computed: true,
      of: (el) => {
        try {
          const computed = view.getComputedStyle(el);
          return (p) => computed.getPropertyValue(p);
        } catch {
          return inline(el);
        }
      },
      visible: (el) => (hasCheckVisibility(el) ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : null),
    };
  }
  return { computed: false, of: inline, visible: () => null };
}

function px(value: string): number | null {
  const v = value.trim();
  if (v === '0') return 0;
  const m = /^(-?\d*\.?\d+)(px|em|rem|pt|%|vw|vh)?$/.exec(v);
  if (!m) return null;
  const n = parseFloat(m[1] ?? '');
  const unit = m[2] ?? 'px';
  if (!Number.isFinite(n)) return null;
  if (unit === 'em' || unit === 'rem') return n * 16;
  if (unit === 'pt') return (n * 4) / 3;
  if (unit === '%' || unit === 'vw' || unit === 'vh') return n === 0 ? 0 : n * 10;
  return n;
}

/** Why an element's whole content is invisible, or null if it is not hidden as a whole. */
function hiddenBy(el: Element, style: StyleOf, visible: boolean | null): string | null {
  if (el.hasAttribute('hidden')) return 'hidden attribute';
  if (el.getAttribute('aria-hidden') === 'true') return 'aria-hidden';
  // Hidden by the browser's own style sheet until opened.
  const tag = el.localName.toLowerCase();
  if (tag === 'dialog' && !el.hasAttribute('open')) return 'closed dialog';
  const parent = el.parentElement;
  if (parent?.localName.toLowerCase() === 'details' && !parent.hasAttribute('open') && tag !== 'summary') return 'closed details';
  if (visible === false) return 'display, visibility or opacity';
  if (visible === null) {
    if (style('display') === 'none') return 'display:none';
    const visibility = style('visibility');
    if (visibility === 'hidden' || visibility === 'collapse') return 'visibility:hidden';
  }
  if (visible === null) {
    const opacity = parseFloat(style('opacity'));
    if (Number.isFinite(opacity) && opacity <= 0.05) return 'opacity:0';
  }
  const overflow = style('overflow');
  if (/hidden|clip/.test(overflow)) {
    const small = (p: string) => {
      const n = px(style(p));
      return n !== null && n <= 1;
    };
    if (small('width') || small('height') || small('max-height')) return 'zero size';
  }
  const position = style('position');
  if (position === 'absolute' || position === 'fixed') {
    if (/^rect\(\s*0(px)?[\s,]+0(px)?[\s,]+0(px)?[\s,]+0(px)?\s*\)$/.test(style('clip').trim())) return 'clipped';
    const left = px(style('left'));
    const top = px(style('top'));
    if ((left !== null && left <= -500) || (top !== null && top <= -500)) return 'off-screen';
  }
  const clipPath = style('clip-path');
  if (clipPath && clipPath !== 'none' && (/inset\(\s*(50|100)%/.test(clipPath) || /circle\(\s*0/.test(clipPath))) return 'clipped';
  const transform = style('transform');
  if (transform && transform !== 'none') {
    const translate = /translate(?:x|y|3d)?\(\s*(-\d{3,}(?:\.\d+)?)px/i.exec(transform)?.[1];
    if (translate && parseFloat(translate) <= -500) return 'off-screen';
    if (/scale\(\s*0(?:\.0+)?\s*[,)]/.test(transform) || /^matrix\(\s*0(?:\.0+)?,\s*0(?:\.0+)?,\s*0(?:\.0+)?,\s*0(?:\.0+)?,/.test(transform)) return 'scaled to zero';
  }
  return null;
}

/**
 * Inherited properties that hide text: checked on the elements that hold text directly (a
 * container's font-size:0 reaches its text unless a child resets it).
 */
function textHiddenBy(style: StyleOf): string | null {
  const fontSize = px(style('font-size'));
  if (fontSize !== null && fontSize <= 1) return 'font-size:0';
  const indent = px(style('text-indent'));
  if (indent !== null && indent <= -500) return 'off-screen';
  return null;
}

// ---- Walking the DOM -------------------------------------------------------------------------

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'iframe', 'object', 'embed', 'svg', 'math', 'textarea', 'select', 'input', 'meta', 'link']);
const BLOCKS = /^(p|div|li|ul|ol|tr|table|br|h[1-6]|blockquote|section|article|header|footer|dd|dt|pre|td|th)$/;

function isElement(node: Node): node is Element {
  return node.nodeType === ELEMENT_NODE;
}

/** Plain text of a subtree, hidden parts included, words kept apart at block boundaries. */
function plainText(el: Element): string {
  let out = '';
  const walk = (node: Node) => {
    if (node.nodeType === TEXT_NODE) {
      out += node.nodeValue ?? '';
      return;
    }
    if (!isElement(node)) return;
    const tag = node.localName.toLowerCase();
    if (SKIPPED.has(tag)) return;
    const block = BLOCKS.test(tag);
    if (block) out += ' ';
    node.childNodes.forEach(walk);
    if (block) out += ' ';
  };
  walk(el);
  return out;
}

export interface CollectOptions {
  /** Subtrees to leave out (a CSS selector), e.g. the reply editor and the extension's own UI. */
  exclude?: string;
}

class Collected {
  readonly items: string[] = [];
  private readonly seen = new Set<string>();
  get full(): boolean {
    return this.items.length >= MAX_HIDDEN_STRINGS;
  }
  add(raw: string): void {
    if (this.full) return;
    const text = raw.replace(/[ \t\r\n\f\u00a0]+/g, ' ').trim();
    if (!text) return;
    const clipped = text.length > MAX_HIDDEN_LENGTH ? text.slice(0, MAX_HIDDEN_LENGTH) : text;
    if (this.seen.has(clipped)) return;
    this.seen.add(clipped);
    this.items.push(clipped);
  }
}

/**
 * The opaque colour painted behind an element — its own background over its ancestors' — or null
 * when an image or gradient is in the way (then colour cannot tell whether text is readable).
 */
function backgroundResolver(styles: StyleSource): (el: Element | null) => Rgba | null {
  const cache = new Map<Element, Rgba | null>();
  const resolve = (el: Element | null): Rgba | null => {
    if (!el) return WHITE;
    const known = cache.get(el);
    if (known !== undefined) return known;
    const style = styles.of(el);
    const image = style('background-image');
    let result: Rgba | null;
    if (/\b(?:url|[a-z-]*gradient|image|image-set|element|cross-fade|paint)\(/i.test(image)) result = null;
    else {
      const bg = parseColour(style('background-color'));
      if (bg && bg.a >= 1) result = bg;
      else {
        const below = resolve(el.parentElement);
        result = bg && bg.a > 0 ? (below ? over(bg, below) : null) : below;
      }
    }
    cache.set(el, result);
    return result;
  };
  return resolve;
}

function camouflaged(colour: Rgba | null, background: Rgba | null): boolean {
  if (!colour) return false;
  if (colour.a <= 0.05) return true;
  return background !== null && contrastRatio(colour, background) < INVISIBLE_CONTRAST;
}

/** The text colour in effect at `el` when styles are inline only (computed styles inherit it already). */
function inheritedColour(el: Element, styles: StyleSource): Rgba {
  for (let node: Element | null = el; node; node = node.parentElement) {
    const colour = parseColour(styles.of(node)('color'));
    if (colour) return colour;
  }
  return BLACK;
}

function isExcluded(el: Element, exclude: string | undefined): boolean {
  if (el.localName.startsWith('ticket-copilot')) return true;
  if (!exclude) return false;
  try {
    return el.matches(exclude);
  } catch {
    return false;
  }
}

/** Invisible characters in a visible text node: decoded tag text, zero-width payloads, split words. */
function invisibleCharacters(text: string, out: Collected): void {
  for (const decoded of decodeTagRuns(text)) out.add(decoded);
  let payload = false;
  for (const run of zeroWidthPayloads(text)) {
    if (run.decoded) {
      out.add(run.decoded);
      payload = true;
    }
  }
  if (!payload && zeroWidthInWords(text) > 0) out.add(stripTagCharacters(text));
}

/**
 * The strings inside `root` that the agent cannot see: each hidden element's text, each run of
 * text coloured like its background, text spelled in Unicode tag characters, decoded zero-width
 * payloads and visible text with zero-width characters inside words. Trimmed, deduplicated,
 * each at most 2,000 characters, at most 50.
 */
export function collectHiddenText(root: Element, options: CollectOptions = {}): string[] {
  const out = new Collected();
  const styles = styleSource(root.ownerDocument);
  const backgroundOf = backgroundResolver(styles);
  const { exclude } = options;

  /** `colour`: the inherited text colour (tracked by hand for inline styles; computed styles inherit it). */
  // One pass over the text: which elements hold text directly, and which have any below them.
  const holdsText = new Set<Element>();
  const hasText = new Set<Element>();
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !/\S/.test(node.nodeValue ?? '')) continue;
    holdsText.add(parent);
    for (let el: Element | null = parent; el && !hasText.has(el); el = el === root ? null : el.parentElement) hasText.add(el);
  }

  const visit = (el: Element, colour: Rgba, camo: string[] | null): void => {
    if (out.full) return;
    const tag = el.localName.toLowerCase();
    if (!hasText.has(el) || SKIPPED.has(tag) || isExcluded(el, exclude)) return;
    const style = styles.of(el);
    if (hiddenBy(el, style, styles.visible(el))) {
      out.add(stripTagCharacters(plainText(el)));
      return;
    }
    const direct = holdsText.has(el);
    // Computed colours are inherited already: read them only where there is text to paint.
    const ownColour = styles.computed && !direct ? colour : (parseColour(style('color')) ?? colour);
    let hiddenColour = false;
    if (direct) {
      if (textHiddenBy(style)) {
        out.add(stripTagCharacters(plainText(el)));
        return;
      }
      hiddenColour = camouflaged(ownColour, backgroundOf(el));
    }
    // A run of camouflaged text starts at the outermost camouflaged element and gathers every
    // camouflaged text node below it (visible descendants are left out).
    const ownRun = hiddenColour && camo === null ? [] : null;
    const run = ownRun ?? camo;
    el.childNodes.forEach((child) => {
      if (out.full) return;
      if (child.nodeType === TEXT_NODE) {
        const text = child.nodeValue ?? '';
        if (!/\S/.test(text)) {
          if (run && hiddenColour) run.push(' ');
          return;
        }
        if (hiddenColour && run) run.push(text);
        else invisibleCharacters(text, out);
        return;
      }
      if (isElement(child)) {
        if (run && BLOCKS.test(child.localName)) run.push(' ');
        visit(child, ownColour, hiddenColour ? run : null);
      }
    });
    if (ownRun) out.add(stripTagCharacters(ownRun.join('')));
  };

  if (!isExcluded(root, exclude)) visit(root, inheritedColour(root, styles), null);
  return out.items;
}

/** What a page's own text never contains: the extension's UI and the agent's reply editor. */
export const PAGE_EXCLUDE = '[contenteditable]:not([contenteditable="false"]), textarea, [data-ticket-copilot-ui]';

/** Hidden text on a whole ticket page (longer than 3 characters), for `Ticket.signals.hiddenText`. */
export function pageHiddenText(doc: Document): string[] {
  const body = doc.body;
  if (!body) return [];
  return collectHiddenText(body, { exclude: PAGE_EXCLUDE }).filter((s) => s.length > 3);
}
