import {
  API_PREFIX,
  type BacktestRecord,
  eventForStatus,
  isTerminalStatus,
  type NotificationEvent,
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

function links(publicUrl: string, id: string) {
  const self = `${publicUrl.replace(/\/+$/, '')}${API_PREFIX}/backtests/${id}`;
  return { self, result: `${self}/result` };
}

/** The event a terminal backtest announces. */
export function backtestEvent(record: BacktestRecord): NotificationEvent {
  if (!isTerminalStatus(record.status)) {
    throw new TypeError(`backtest ${record.id} is ${record.status}, not finished`);
  }
  return eventForStatus(record.status);
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

/** A short summary of a finished backtest, as text and HTML, with a link to it. */
export function backtestEmail(record: BacktestRecord, publicUrl: string): EmailContent {
  const { self } = links(publicUrl, record.id);
  const lines: string[] = [`Backtest "${record.name}" ${record.status}.`];
  const s = record.summary;
  if (s) {
    const pct = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)} %`);
    lines.push(
      `Return: ${pct(s.returnPct)}`,
      `Max drawdown: ${pct(s.maxDrawdownPct)}`,
      `Sharpe ratio: ${s.sharpeRatio === null ? 'n/a' : s.sharpeRatio.toFixed(2)}`,
      `Trades: ${s.trades ?? 'n/a'}`,
    );
  }
  if (record.error) lines.push(`Error: ${record.error.message}`);
  const text = `${lines.join('\n')}\n\n${self}\n`;
  const items = lines
    .slice(1)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('');
  const html = `<p>${escapeHtml(lines[0] ?? '')}</p>${items ? `<ul>${items}</ul>` : ''}<p><a href="${escapeHtml(self)}">${escapeHtml(self)}</a></p>`;
  return { subject: `[Hindsight] ${record.name}: ${record.status}`, text, html };
}
