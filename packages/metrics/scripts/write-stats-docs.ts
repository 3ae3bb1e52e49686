// Rewrites the generated tables of docs/statistics.md from StatsSchema: pnpm docs:stats.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withStatsTables } from './stats-docs.js';

const page = fileURLToPath(new URL('../../../docs/statistics.md', import.meta.url));
writeFileSync(page, withStatsTables(readFileSync(page, 'utf8')));
