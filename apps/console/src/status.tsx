import type { BacktestStatus } from './api.js';
import { STATUS_WORDS } from './format.js';

/** A status in words (its colour is only a second cue), with the percentage while it runs. */
export function StatusBadge(props: { status: BacktestStatus; progress: number }) {
  return (
    <span class={`status status-${props.status}`} data-status={props.status}>
      {STATUS_WORDS[props.status]}
      {props.status === 'running' && ` ${Math.round(props.progress * 100)} %`}
    </span>
  );
}
