/**
 * The text that goes into the helpdesk's reply box: the draft without its `[n]` citation markers
 * (they are for the agent, not the customer). `editRatio` compares the sent reply with this text.
 */
export function insertableText(draftText: string): string {
  return draftText
    .replace(/[ \t]*\[\d{1,3}\]/g, '')
    .replace(/[ \t]+$/gm, '')
    .trim();
}
