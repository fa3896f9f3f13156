/** Values a macro may refer to. Missing values stay visible as `[name]` for the agent to fill. */
export interface PlaceholderValues {
  'customer.first_name'?: string;
  'customer.name'?: string;
  'customer.email'?: string;
  'ticket.id'?: string;
  'ticket.subject'?: string;
  'agent.name'?: string;
  'agent.first_name'?: string;
}

export interface FilledText {
  text: string;
  /** Placeholders that had no value, in order of first appearance. */
  unfilled: string[];
}

const PLACEHOLDER = /\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}/gi;

function known(name: string): name is keyof PlaceholderValues {
  return (
    name === 'customer.first_name' ||
    name === 'customer.name' ||
    name === 'customer.email' ||
    name === 'ticket.id' ||
    name === 'ticket.subject' ||
    name === 'agent.name' ||
    name === 'agent.first_name'
  );
}

/**
 * Fill `{{customer.first_name}}`-style placeholders. A first name that is unknown disappears
 * gracefully ("Hi {{customer.first_name}}," → "Hi there,"); any other unknown placeholder is left as
 * `[order.id]` so the agent sees what to fill before sending.
 */
export function fillPlaceholders(template: string, values: PlaceholderValues, language = 'en'): FilledText {
  const unfilled: string[] = [];
  let text = template.replace(PLACEHOLDER, (_match, rawName: string) => {
    const name = rawName.toLowerCase();
    const value = known(name) ? values[name]?.trim() : undefined;
    if (value) return value;
    if (name === 'customer.first_name' || name === 'customer.name') return language === 'en' ? 'there' : '';
    if (!unfilled.includes(name)) unfilled.push(name);
    return `[${name}]`;
  });
  // "Hallo ," after an empty name: tidy the space before punctuation.
  text = text.replace(/[ \t]+([,.!?])/g, '$1');
  return { text, unfilled };
}

/** A person's first name from a display name ("Dana K. Whitfield" → "Dana", "Whitfield, Dana" → "Dana"). */
export function firstNameOf(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const trimmed = name.trim();
  if (!trimmed || trimmed.includes('@')) return undefined;
  const parts = trimmed.includes(',') ? trimmed.split(',').slice(1).join(' ').trim().split(/\s+/) : trimmed.split(/\s+/);
  const first = parts[0];
  return first && /\p{L}/u.test(first) ? first : undefined;
}
