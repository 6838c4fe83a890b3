/**
 * A uPlot canvas chart for screen readers too: the canvas is one image (role="img") whose
 * accessible name is the chart in words; the numbers themselves are in a data table beside it
 * (the caller's). Part of the Insights chunk only: the board's first load never fetches uPlot.
 */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** A dashed vertical line at `x`, with a label: the current window on the distribution. */
export interface Marker {
  readonly x: number;
  readonly label: string;
  readonly color: string;
}

export interface ChartProps {
  /** The chart in words: its accessible name. */
  readonly summary: string;
  /** uPlot's aligned columns: x values, then one list per series. */
  readonly data: uPlot.AlignedData;
  /** Everything but the size and the marker (both set here). */
  readonly options: Omit<uPlot.Options, 'width' | 'height'>;
  readonly marker?: Marker | undefined;
  readonly height?: number;
  readonly testId: string;
}

const MIN_WIDTH = 280;

/** The chart; remade when its data or options change, resized with the window. */
export function Chart({ summary, data, options, marker, height = 260, testId }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = host.current;
    if (target === null) return;
    const width = () => Math.max(MIN_WIDTH, target.clientWidth);
    const drawMarker = (u: uPlot) => {
      if (marker === undefined) return;
      const x = Math.round(u.valToPos(marker.x, 'x', true));
      const { top, height: plotHeight } = u.bbox;
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = marker.color;
      ctx.fillStyle = marker.color;
      ctx.lineWidth = 2 * uPlot.pxRatio;
      ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + plotHeight);
      ctx.stroke();
      ctx.font = `${12 * uPlot.pxRatio}px system-ui, sans-serif`;
      ctx.textAlign = x > u.bbox.left + u.bbox.width * 0.7 ? 'right' : 'left';
      ctx.fillText(
        marker.label,
        x + (ctx.textAlign === 'right' ? -6 : 6) * uPlot.pxRatio,
        top + 14 * uPlot.pxRatio,
      );
      ctx.restore();
      // Where it was drawn, in canvas pixels: the browser test reads the canvas there.
      target.dataset.markerX = String(x);
    };
    const chart = new uPlot(
      {
        ...options,
        width: width(),
        height,
        legend: { show: false },
        hooks: { ...options.hooks, draw: [...(options.hooks?.draw ?? []), drawMarker] },
      },
      data,
      target,
    );
    const onResize = () => chart.setSize({ width: width(), height });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.destroy();
    };
  }, [data, options, marker, height]);

  return (
    <div
      ref={host}
      class="chart"
      role="img"
      aria-label={summary}
      data-testid={testId}
      data-marker-at={marker === undefined ? undefined : String(marker.x)}
    />
  );
}
