import {
  API_PREFIX,
  type BacktestRecord,
  eventForStatus,
  isTerminalStatus,
  type NotificationEvent,
  type NotificationSubject,
  SUMMARY_STATS,
  type SweepRecord,
  sweepObjective,
  type TerminalStatus,
} from '@hindsight/models';

/** The body of a backtest's webhook: `{ type, timestamp, data }` as Standard Webhooks suggests. */
export interface BacktestEventBody {
  type: NotificationEvent;
  /** When the backtest finished (the event's time; the header carries the attempt's). */
  timestamp: string;
  data: {
    id: string;
    name: string;
    status: BacktestRecord['status'];
    summary: BacktestRecord['summary'];
    error: BacktestRecord['error'];
    finishedAt: string | null;
    links: { self: string; result: string };
  };
}

function selfLink(publicUrl: string, kind: NotificationSubject, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${API_PREFIX}/${kind}s/${id}`;
}

function links(publicUrl: string, id: string) {
  const self = selfLink(publicUrl, 'backtest', id);
  return { self, result: `${self}/result` };
}

/** The event a terminal backtest or sweep announces. */
function endEvent(
  kind: NotificationSubject,
  record: { id: string; status: BacktestRecord['status'] },
): NotificationEvent {
  if (!isTerminalStatus(record.status)) {
    throw new TypeError(`${kind} ${record.id} is ${record.status}, not finished`);
  }
  return eventForStatus(kind, record.status);
}

/** The event a terminal backtest announces. */
export function backtestEvent(record: BacktestRecord): NotificationEvent {
  return endEvent('backtest', record);
}

/** The same text for every attempt of the message: it depends on the finished record only. */
export function backtestEventBody(record: BacktestRecord, publicUrl: string): BacktestEventBody {
  return {
    type: backtestEvent(record),
    timestamp: record.finishedAt ?? record.updatedAt,
    data: {
      id: record.id,
      name: record.name,
      status: record.status,
      summary: record.summary,
      error: record.error,
      finishedAt: record.finishedAt,
      links: links(publicUrl, record.id),
    },
  };
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type SummaryLike = Partial<Record<(typeof SUMMARY_STATS)[number], unknown>>;

function statLines(s: SummaryLike): string[] {
  const num = (value: unknown) => (typeof value === 'number' ? value : null);
  const pct = (value: unknown) => {
    const n = num(value);
    return n === null ? 'n/a' : `${n.toFixed(2)} %`;
  };
  const sharpe = num(s.sharpeRatio);
  return [
    `Return: ${pct(s.returnPct)}`,
    `Max drawdown: ${pct(s.maxDrawdownPct)}`,
    `Sharpe ratio: ${sharpe === null ? 'n/a' : sharpe.toFixed(2)}`,
    `Trades: ${num(s.trades) ?? 'n/a'}`,
  ];
}

/** The first line as a paragraph, the others as a list, then the link; the same as text. */
function email(subject: string, lines: string[], link: string): EmailContent {
  const text = `${lines.join('\n')}\n\n${link}\n`;
  const items = lines
    .slice(1)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('');
  const html = `<p>${escapeHtml(lines[0] ?? '')}</p>${items ? `<ul>${items}</ul>` : ''}<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`;
  return { subject: `[Hindsight] ${subject}`, text, html };
}

/** A short summary of a finished backtest, as text and HTML, with a link to it. */
export function backtestEmail(record: BacktestRecord, publicUrl: string): EmailContent {
  const lines: string[] = [`Backtest "${record.name}" ${record.status}.`];
  if (record.summary) lines.push(...statLines(record.summary));
  if (record.error) lines.push(`Error: ${record.error.message}`);
  return email(`${record.name}: ${record.status}`, lines, links(publicUrl, record.id).self);
}

/** How many of a sweep's combinations ended which way, as GET /sweeps/:id counts them. */
export interface SweepCombos {
  total: number;
  /** Completed, failed or skipped. */
  done: number;
  skipped: number;
  failed: number;
}

/** Counts as GET /sweeps/:id shows them, from the record and its stored cells. */
export function sweepComboCounts(
  record: Pick<SweepRecord, 'combos'>,
  cells: { completed: number; failed: number },
): SweepCombos {
  const { total, skipped } = record.combos;
  return { total, done: cells.completed + cells.failed + skipped, skipped, failed: cells.failed };
}

/** The body of a sweep's webhook, shaped as a backtest's. */
export interface SweepEventBody {
  type: NotificationEvent;
  timestamp: string;
  data: {
    id: string;
    name: string;
    status: TerminalStatus;
    combos: SweepCombos;
    objective: { key: string; direction: 'max' | 'min' };
    /** The best combination (a completed sweep): its parameters and headline statistics. */
    best: { params: Record<string, unknown>; stats: Record<string, unknown> } | null;
    error: SweepRecord['error'];
    finishedAt: string | null;
    links: { self: string; results: string };
  };
}

/** The best cell's SUMMARY_STATS and the objective's statistic: the figures a reader looks for. */
function bestOf(record: SweepRecord, objectiveKey: string): SweepEventBody['data']['best'] {
  const best = (record.summary as { best?: { params: Record<string, unknown>; stats: object } })
    ?.best;
  if (!best) return null;
  const all = best.stats as Record<string, unknown>;
  const stats: Record<string, unknown> = {};
  for (const key of [...SUMMARY_STATS, objectiveKey]) stats[key] = all[key] ?? null;
  return { params: best.params, stats };
}

/** A terminal sweep's message; `combos` counted from its cells (see sweepComboCounts). */
export function sweepEventBody(
  record: SweepRecord,
  combos: SweepCombos,
  publicUrl: string,
): SweepEventBody {
  const type = endEvent('sweep', record);
  const objective = sweepObjective(record.config.objective);
  const self = selfLink(publicUrl, 'sweep', record.id);
  return {
    type,
    timestamp: record.finishedAt ?? record.updatedAt,
    data: {
      id: record.id,
      name: record.name,
      status: record.status as TerminalStatus,
      combos,
      objective,
      best: bestOf(record, objective.key),
      error: record.error,
      finishedAt: record.finishedAt,
      links: { self, results: `${self}/results` },
    },
  };
}

/** A short summary of a finished sweep: its counts, objective and best combination. */
export function sweepEmail(
  record: SweepRecord,
  combos: SweepCombos,
  publicUrl: string,
): EmailContent {
  const { data } = sweepEventBody(record, combos, publicUrl);
  const lines: string[] = [
    `Sweep "${record.name}" ${record.status}.`,
    `Combinations: ${combos.done} of ${combos.total} done (${combos.skipped} skipped, ${combos.failed} failed)`,
    `Objective: ${data.objective.direction} ${data.objective.key}`,
  ];
  if (data.best) {
    lines.push(
      `Best parameters: ${JSON.stringify(data.best.params)}`,
      ...statLines(data.best.stats),
    );
  }
  if (record.error) lines.push(`Error: ${record.error.message}`);
  return email(`${record.name}: ${record.status}`, lines, data.links.self);
}
