/**
 * The hosted helpdesks the copilot has adapters for, and the host permissions each needs. These
 * are optional permissions: the agent picks the ones the team uses on the first-run page.
 * Self-hosted helpdesks (Zammad, FreeScout) run on any domain: they are enabled per site.
 */
export interface HostedHelpdesk {
  id: string;
  name: string;
  origins: string[];
}

export const HOSTED_HELPDESKS: readonly HostedHelpdesk[] = [
  { id: 'zendesk', name: 'Zendesk', origins: ['https://*.zendesk.com/*'] },
  { id: 'freshdesk', name: 'Freshdesk', origins: ['https://*.freshdesk.com/*'] },
  { id: 'helpscout', name: 'Help Scout', origins: ['https://secure.helpscout.net/*'] },
  { id: 'intercom', name: 'Intercom', origins: ['https://app.intercom.com/*'] },
  { id: 'front', name: 'Front', origins: ['https://app.frontapp.com/*'] },
  { id: 'gmail', name: 'Gmail', origins: ['https://mail.google.com/*'] },
];

/** Granted at install: the demo helpdesk and self-hosted helpdesks under test. */
export const LOOPBACK_ORIGINS: readonly string[] = ['http://localhost/*', 'http://127.0.0.1/*'];

/** What the manifest declares as optional: the hosted products, and any site for self-hosted ones. */
export const OPTIONAL_ORIGINS: readonly string[] = [...HOSTED_HELPDESKS.flatMap((h) => h.origins), 'https://*/*', 'http://*/*'];

export class SiteAddressError extends Error {}

/**
 * The permission pattern for a site an agent typed or is on: `https://support.acme.com:8443/x` →
 * `https://support.acme.com/*`. Match patterns carry no port (they match every port), so the port
 * is dropped. Only http and https sites can be enabled.
 */
export function sitePattern(address: string): string {
  const trimmed = address.trim();
  if (!trimmed) throw new SiteAddressError('Type the address of your helpdesk, for example https://support.example.com.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new SiteAddressError(`"${trimmed}" is not a web address. Type it as https://support.example.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SiteAddressError('Only http:// and https:// sites can be enabled.');
  }
  if (!url.hostname || url.hostname.includes('*')) throw new SiteAddressError('Type one site, without wildcards.');
  return `${url.protocol}//${url.hostname}/*`;
}

/** The helpdesk sites the agent enabled: granted origins that are neither loopback nor catch-alls. */
export function helpdeskOrigins(granted: readonly string[]): string[] {
  const skip = new Set([...LOOPBACK_ORIGINS, 'https://*/*', 'http://*/*', '<all_urls>', '*://*/*']);
  return [...new Set(granted.filter((o) => /^https?:\/\//.test(o) && !skip.has(o)))].sort();
}

/**
 * The permission pattern of a model server's base URL, or null while it is not a usable address
 * (no http(s) scheme yet, or Azure's `{resource}` still in it).
 */
export function endpointPattern(baseUrl: string): string | null {
  if (!/^https?:\/\//i.test(baseUrl.trim()) || /[{}]/.test(baseUrl)) return null;
  try {
    return sitePattern(baseUrl);
  } catch {
    return null;
  }
}
