import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SitesSection } from '../../components/SitesSection';
import { useSites } from '../options/useSites';
import '../sidepanel/style.css';

function Welcome() {
  const sites = useSites();
  return (
    <main className="panel">
      <header className="panel__header">
        <h1>Welcome to Ticket Copilot</h1>
      </header>
      <section className="draft">
        <p>
          Open a ticket in your helpdesk and the side panel drafts a reply from your team&apos;s own answers, with every
          claim cited and a confidence badge. Nothing is sent automatically, and everything stays in this browser.
        </p>
        <p>
          <strong>Which helpdesks does your team use?</strong> The copilot only reads pages on the sites you choose here. You
          can change this later in Options.
        </p>
      </section>
      <section className="draft">
        <SitesSection {...sites} />
      </section>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Welcome />
    </StrictMode>,
  );
}
