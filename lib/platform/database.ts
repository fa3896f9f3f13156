import { CopilotDb } from '../db';

/** The extension origin's one database: the background writes, the panel and options page read. */
export const db = new CopilotDb();
