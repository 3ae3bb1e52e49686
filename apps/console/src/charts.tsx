import {
  AreaSeries,
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import type { Trade } from './api.js';
import { num } from './format.js';

/** Colours with at least 4.5:1 contrast on white, told apart by more than hue where it matters. */
export const PALETTE = ['#0b57d0', '#b3261e', '#146c2e', '#7c4dff', '#a15c00'];

const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;

function baseChart(element: HTMLElement, extra: Parameters<typeof createChart>[1] = {}) {
  return createChart(element, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: '#ffffff' },
      textColor: '#1f2328',
      fontFamily: 'system-ui, sans-serif',
    },
    grid: { vertLines: { color: '#eef0f3' }, horzLines: { color: '#eef0f3' } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#c9ced6' },
    rightPriceScale: { borderColor: '#c9ced6' },
    ...extra,
  });
}

/**
 * A chart bound to a div for the component's life, drawn again when `deps` change; `draw` adds
 * its series and may return a function to run before the chart is removed.
 */
function useChart(draw: (chart: IChartApi) => unknown, deps: unknown[]) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current);
    const cleanup = draw(chart);
    chart.timeScale().fitContent();
    return () => {
      if (typeof cleanup === 'function') cleanup();
      chart.remove();
    };
  }, deps);
  return ref;
}

/**
 * Equity above, drawdown (percent, zero or negative) in a pane below, on one time axis; without
 * `drawdownPct` (a series that carries none, e.g. the stitched walk-forward one) equity alone.
 */
export function EquityChart(props: { time: number[]; equity: number[]; drawdownPct?: number[] }) {
  const ref = useChart(
    (chart) => {
      const equity = chart.addSeries(LineSeries, {
        color: PALETTE[0],
        lineWidth: 2,
        title: 'Equity',
        priceLineVisible: false,
      });
      equity.setData(props.time.map((t, i) => ({ time: seconds(t), value: props.equity[i]! })));
      const drawdownPct = props.drawdownPct;
      if (!drawdownPct) return;
      const drawdown = chart.addSeries(
        AreaSeries,
        {
          lineColor: PALETTE[1],
          topColor: 'rgba(179, 38, 30, 0.05)',
          bottomColor: 'rgba(179, 38, 30, 0.35)',
          invertFilledArea: true,
          lineWidth: 1,
          title: 'Drawdown %',
          priceLineVisible: false,
        },
        1,
      );
      drawdown.setData(props.time.map((t, i) => ({ time: seconds(t), value: drawdownPct[i]! })));
      chart.panes()[1]?.setHeight(110);
    },
    [props.time, props.equity, props.drawdownPct],
  );
  return (
    <div
      ref={ref}
      class="chart tall"
      role="img"
      aria-label={`${props.drawdownPct ? 'Equity and drawdown' : 'Equity'} over ${props.time.length} points; zoom with the mouse wheel, pan by dragging`}
    />
  );
}

/** The equity of a running backtest as its progress events arrive, by bars processed. */
export function LiveEquityChart(props: { points: { bar: number; equity: number }[] }) {
  const series = useRef<ISeriesApi<'Line'> | null>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const shown = useRef(0);
  const ref = useChart((chart) => {
    chartRef.current = chart;
    chart.applyOptions({
      localization: { timeFormatter: (bar: number) => `bar ${num(bar, 0)}` },
      timeScale: { tickMarkFormatter: (bar: number) => num(bar, 0) },
    });
    series.current = chart.addSeries(LineSeries, {
      color: PALETTE[0],
      lineWidth: 2,
      title: 'Equity',
    });
    shown.current = 0;
    return () => {
      series.current = null;
      chartRef.current = null;
    };
  }, []);
  useEffect(() => {
    const line = series.current;
    if (!line) return;
    for (const point of props.points.slice(shown.current)) {
      line.update({ time: point.bar as UTCTimestamp, value: point.equity });
    }
    shown.current = props.points.length;
    chartRef.current?.timeScale().fitContent();
  }, [props.points]);
  return (
    <div
      ref={ref}
      class="chart"
      role="img"
      aria-label="Running equity of the simulation by bars processed"
    />
  );
}

export interface Bars {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}

/** Candles of one symbol with the trades as markers: arrows at entries, circles at exits. */
export function PriceChart(props: { bars: Bars; trades: Trade[] }) {
  const ref = useChart(
    (chart) => {
      const candles = chart.addSeries(CandlestickSeries, {
        upColor: '#146c2e',
        downColor: '#b3261e',
        borderVisible: false,
        wickUpColor: '#146c2e',
        wickDownColor: '#b3261e',
        priceLineVisible: false,
      });
      const { bars } = props;
      candles.setData(
        bars.time.map((t, i) => ({
          time: seconds(t),
          open: bars.open[i]!,
          high: bars.high[i]!,
          low: bars.low[i]!,
          close: bars.close[i]!,
        })),
      );
      const markers: SeriesMarker<Time>[] = [];
      for (const trade of props.trades) {
        const long = trade.size > 0;
        markers.push({
          time: seconds(Date.parse(trade.entryTime)),
          position: long ? 'belowBar' : 'aboveBar',
          shape: long ? 'arrowUp' : 'arrowDown',
          color: '#0b57d0',
          text: long ? 'Buy' : 'Sell short',
        });
        markers.push({
          time: seconds(Date.parse(trade.exitTime)),
          position: long ? 'aboveBar' : 'belowBar',
          shape: 'circle',
          // The colour says won or lost; the trades table below has the numbers.
          color: trade.pnl >= 0 ? '#146c2e' : '#b3261e',
        });
      }
      markers.sort((a, b) => (a.time as number) - (b.time as number));
      createSeriesMarkers(candles, markers);
    },
    [props.bars, props.trades],
  );
  return (
    <div
      ref={ref}
      class="chart tall"
      role="img"
      aria-label={`Price with ${props.trades.length} trades marked: arrows at entries, circles at exits (green a win, red a loss)`}
    />
  );
}

/** Several equity curves on one axis, one colour each (the legend names them). */
export function OverlayChart(props: {
  lines: { name: string; time: number[]; values: number[] }[];
}) {
  const ref = useChart(
    (chart) => {
      props.lines.forEach((line, index) => {
        const series = chart.addSeries(LineSeries, {
          color: PALETTE[index % PALETTE.length],
          lineWidth: 2,
          lineStyle: index % 3,
          priceLineVisible: false,
        });
        series.setData(line.time.map((t, i) => ({ time: seconds(t), value: line.values[i]! })));
      });
    },
    [props.lines],
  );
  return (
    <div
      ref={ref}
      class="chart tall"
      role="img"
      aria-label={`Equity of ${props.lines.map((line) => line.name).join(', ')}, overlaid`}
    />
  );
}
