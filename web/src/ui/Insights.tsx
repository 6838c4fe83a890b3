/**
 * The board's Insights view (issue 13, R22), at `board.html#insights`:
 *
 * 1. the period (first and last day, UTC) and the grouping, applied with Show;
 * 2. the report (`GET /v1/reports/acw`), with its CSV download (`Accept: text/csv`);
 * 3. the recommended window per queue and channel (`GET /v1/recommendations`), withheld ones with
 *    their reason;
 * 4. the time agents needed in one queue and channel (`GET /v1/reports/acw/distribution`): the
 *    Kaplan-Meier curve with the current window marked;
 * 5. wrap-up per contact, day by day (the report grouped by day).
 *
 * Each chart is an image named by its summary in words, with its numbers in a table below it.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { ApiClient } from '../api';
import type { Auth } from '../auth';
import { InsightsApi } from '../insights-api';
import { failureOf, failureWords } from '../logic/errors';
import {
  csvFileName,
  type Distribution,
  distributionSpan,
  distributionSummary,
  formatDay,
  formatHoursChange,
  formatRatio,
  formatSeconds,
  formatShare,
  GROUP_BYS,
  type GroupBy,
  groupByLabel,
  lastDays,
  type Period,
  periodProblem,
  queueChannelKey,
  queueText,
  type RecommendationView,
  type Report,
  recommendationLabel,
  recommendationWords,
  rowLabel,
  survivalAt,
  survivalSeries,
  trendSummary,
  wrapUpTrendSeries,
} from '../logic/insights';
import { channelLabel } from '../logic/wrap-up';
import { Chart } from './Chart';
import { LiveRegion, SignInPanel, useAnnouncer, useAuthStatus } from './common';

/** What BoardApp gives the view. */
export interface InsightsProps {
  readonly auth: Auth;
  readonly api: ApiClient;
}

/** Something being loaded: its data, or why it is not there. */
type Loaded<T> = { readonly state: 'loading' } | { readonly state: 'ready'; readonly data: T } | Failed;
type Failed = { readonly state: 'failed'; readonly text: string; readonly signIn: boolean };

const LOADING = { state: 'loading' } as const;
/** The chart colours: the page's primary blue, and the error red for the window (both 4.5:1 on white). */
const CURVE_COLOR = '#0b5ec2';
const WINDOW_COLOR = '#b3261e';

function failed(error: unknown): Failed {
  const words = failureWords(failureOf(error), 'supervisor');
  return { state: 'failed', text: words.text, signIn: words.signIn };
}

/** Loads `load()` again whenever `deps` change; an answer to an older request is dropped. */
function useLoaded<T>(load: () => Promise<T> | undefined, deps: readonly unknown[]): Loaded<T> {
  const [value, setValue] = useState<Loaded<T>>(LOADING);
  const latest = useRef(0);
  useEffect(() => {
    const request = load();
    if (request === undefined) return;
    const id = ++latest.current;
    setValue(LOADING);
    request.then(
      (data) => id === latest.current && setValue({ state: 'ready', data }),
      (error: unknown) => id === latest.current && setValue(failed(error)),
    );
  }, deps);
  return value;
}

/** The Insights view. */
export function Insights({ auth, api: client }: InsightsProps) {
  const api = useMemo(() => new InsightsApi(client), [client]);
  const authStatus = useAuthStatus(auth);
  const [announcement, announce] = useAnnouncer();
  const [draft, setDraft] = useState<Period>(() => lastDays(Date.now()));
  const [draftGroupBy, setDraftGroupBy] = useState<GroupBy>('queue');
  const [applied, setApplied] = useState<{ period: Period; groupBy: GroupBy }>(() => ({
    period: draft,
    groupBy: draftGroupBy,
  }));
  const [formProblem, setFormProblem] = useState<string | undefined>(undefined);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [download, setDownload] = useState<{ text: string; tone: 'ok' | 'error' } | undefined>(undefined);

  const ready = !auth.interactive || authStatus === 'signed-in';
  const { period, groupBy } = applied;
  const report = useLoaded(
    () => (ready ? api.report(period, groupBy) : undefined),
    [api, ready, period, groupBy],
  );
  const byDay = useLoaded(() => (ready ? api.report(period, 'day') : undefined), [api, ready, period]);
  const recommendations = useLoaded(
    () => (ready ? api.recommendations(period) : undefined),
    [api, ready, period],
  );

  // Queue names from the reports grouped by queue (the recommendations may carry ids only).
  const [queueNames, setQueueNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    if (report.state !== 'ready') return;
    const named = report.data.rows.filter(
      (row): row is typeof row & { queueId: string; queueName: string } =>
        row.queueId !== null && row.queueName !== null && queueNames.get(row.queueId) !== row.queueName,
    );
    if (named.length === 0) return;
    setQueueNames(
      (all) => new Map([...all, ...named.map((row): [string, string] => [row.queueId, row.queueName])]),
    );
  }, [report, queueNames]);

  const choices = (recommendations.state === 'ready' ? recommendations.data : []).map((r) =>
    r.queueName === null && r.queueId !== null && queueNames.has(r.queueId)
      ? { ...r, queueName: queueNames.get(r.queueId) ?? null }
      : r,
  );
  // The chosen queue and channel, else the first with a recommendation, else the first.
  const selected =
    choices.find((r) => queueChannelKey(r) === chosen) ?? choices.find((r) => !r.withheld) ?? choices[0];
  const distribution = useLoaded(
    () =>
      ready && selected !== undefined
        ? api.distribution(period, selected.queueId, selected.channel)
        : undefined,
    [api, ready, period, selected === undefined ? undefined : queueChannelKey(selected)],
  );

  const apply = (event: Event) => {
    event.preventDefault();
    const problem = periodProblem(draft);
    setFormProblem(problem);
    if (problem !== undefined) return;
    setApplied({ period: draft, groupBy: draftGroupBy });
    announce(`Showing ${formatDay(draft.fromDay)} to ${formatDay(draft.toDay)}, by ${draftGroupBy}.`);
  };

  const downloadCsv = async () => {
    setDownload(undefined);
    try {
      const csv = await api.reportCsv(period, groupBy);
      const name = csvFileName(groupBy, period);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has taken the file by the next task; the blob can go.
      setTimeout(() => URL.revokeObjectURL(url), 1_000);
      setDownload({ tone: 'ok', text: `Saved ${name}.` });
      announce(`Saved ${name}.`);
    } catch (error) {
      const text = failed(error).text;
      setDownload({ tone: 'error', text });
    }
  };

  const signInReason = [report, recommendations].find((l): l is Failed => l.state === 'failed' && l.signIn);
  if (auth.interactive && (authStatus !== 'signed-in' || signInReason !== undefined)) {
    return (
      <main class="page insights" aria-labelledby="insights-title">
        <h1 id="insights-title" tabIndex={-1}>
          Insights
        </h1>
        <SignInPanel
          auth={auth}
          who="a supervisor"
          reason={authStatus === 'signed-in' ? signInReason?.text : undefined}
        />
      </main>
    );
  }

  return (
    <main class="page insights" aria-labelledby="insights-title">
      <header class="page-header">
        <h1 id="insights-title" tabIndex={-1}>
          Insights
        </h1>
        <p class="hint">
          Wrap-up time and the time agents really needed (R22), {formatDay(period.fromDay)} to{' '}
          {formatDay(period.toDay)} (UTC).
        </p>
      </header>
      <LiveRegion text={announcement} />

      <form class="insights-form" onSubmit={apply} data-testid="insights-form" noValidate>
        <div class="field">
          <label for="insights-from">First day</label>
          <input
            id="insights-from"
            type="date"
            data-testid="from-picker"
            value={draft.fromDay}
            max={draft.toDay}
            onInput={(event) => setDraft({ ...draft, fromDay: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="insights-to">Last day</label>
          <input
            id="insights-to"
            type="date"
            data-testid="to-picker"
            value={draft.toDay}
            min={draft.fromDay}
            onInput={(event) => setDraft({ ...draft, toDay: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="insights-group-by">Group the report by</label>
          <select
            id="insights-group-by"
            data-testid="group-by-picker"
            value={draftGroupBy}
            onChange={(event) => setDraftGroupBy(event.currentTarget.value as GroupBy)}
          >
            {GROUP_BYS.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button-primary" data-testid="show-button">
          Show
        </button>
        {formProblem !== undefined && (
          <p class="message message-error" role="alert" data-testid="form-problem">
            {formProblem}
          </p>
        )}
      </form>

      <section class="panel" aria-labelledby="report-title">
        <div class="section-head">
          <h2 id="report-title">Report by {groupByLabel(groupBy).toLowerCase()}</h2>
          <button type="button" class="button" data-testid="csv-download" onClick={() => void downloadCsv()}>
            Download CSV
          </button>
        </div>
        {download !== undefined && (
          <p
            class={`message ${download.tone === 'ok' ? 'message-ok' : 'message-error'}`}
            role={download.tone === 'error' ? 'alert' : undefined}
            data-testid="csv-message"
          >
            {download.text}
          </p>
        )}
        <Status loaded={report} what="the report" />
        {report.state === 'ready' && <ReportTable report={report.data} />}
      </section>

      <section class="panel" aria-labelledby="recommendations-title">
        <h2 id="recommendations-title">Recommended windows</h2>
        <p class="hint">
          The median time agents needed per queue and channel, counting a wrap-up the system ended as "at
          least that long" (Kaplan-Meier). Withheld below the minimum sample or when more than half were ended
          by the system.
        </p>
        <Status loaded={recommendations} what="the recommendations" />
        {recommendations.state === 'ready' && <RecommendationsTable recommendations={choices} />}
      </section>

      <section class="panel" aria-labelledby="distribution-title">
        <h2 id="distribution-title">Time agents needed</h2>
        {choices.length > 0 && selected !== undefined && (
          <div class="field field-inline">
            <label for="distribution-picker">Queue and channel</label>
            <select
              id="distribution-picker"
              data-testid="distribution-picker"
              value={queueChannelKey(selected)}
              onChange={(event) => setChosen(event.currentTarget.value)}
            >
              {choices.map((r) => (
                <option key={queueChannelKey(r)} value={queueChannelKey(r)}>
                  {recommendationLabel(r)}
                </option>
              ))}
            </select>
          </div>
        )}
        {recommendations.state === 'ready' && choices.length === 0 && (
          <p class="empty">No wrap-ups in this period.</p>
        )}
        {selected !== undefined && <Status loaded={distribution} what="the distribution" />}
        {selected !== undefined && distribution.state === 'ready' && (
          <DistributionChart
            label={
              // The route takes no "no queue" value: without one it answers for every queue.
              selected.queueId === null
                ? `all queues, ${selected.channel.toLowerCase()} (outbound contacts have no chart of their own)`
                : recommendationLabel(selected)
            }
            distribution={distribution.data}
          />
        )}
      </section>

      <section class="panel" aria-labelledby="trend-title">
        <h2 id="trend-title">Wrap-up per contact over time</h2>
        <Status loaded={byDay} what="the days" />
        {byDay.state === 'ready' && <TrendChart report={byDay.data} />}
      </section>
    </main>
  );
}

function Status({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.state === 'loading') return <p class="hint">Loading {what}…</p>;
  if (loaded.state === 'failed') {
    return (
      <p class="message message-error" role="alert" data-testid="load-error">
        Could not load {what}: {loaded.text}
      </p>
    );
  }
  return null;
}

function ReportTable({ report }: { report: Report }) {
  if (report.rows.length === 0) {
    return (
      <p class="empty" data-testid="report-empty">
        No wrap-ups in this period.
      </p>
    );
  }
  return (
    <div class="table-wrap">
      <table class="board-table numbers" data-testid="report-table">
        <caption class="visually-hidden">Wrap-up report by {report.groupBy}</caption>
        <thead>
          <tr>
            <th scope="col">{groupByLabel(report.groupBy)}</th>
            <th scope="col">Contacts</th>
            <th scope="col">Total wrap-up</th>
            <th scope="col">Wrap-up per contact</th>
            <th scope="col">Median needed</th>
            <th scope="col">80 % done by</th>
            <th scope="col">Extensions per contact</th>
            <th scope="col">Ended by the system</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => {
            const label = rowLabel(report.groupBy, row);
            return (
              <tr key={label} data-testid="report-row">
                <th scope="row">{label}</th>
                <td>{row.contacts}</td>
                <td>{formatSeconds(row.totalWrapUpSeconds)}</td>
                <td>{formatSeconds(row.averageWrapUpSeconds, 'no contacts')}</td>
                <td>{formatSeconds(row.medianNeededSeconds)}</td>
                <td>{formatSeconds(row.p80NeededSeconds)}</td>
                <td>{formatRatio(row.extensionsPerContact)}</td>
                <td>{formatShare(row.systemEndedShare)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RecommendationsTable({ recommendations }: { recommendations: readonly RecommendationView[] }) {
  if (recommendations.length === 0) {
    return (
      <p class="empty" data-testid="recommendations-empty">
        No wrap-ups in this period.
      </p>
    );
  }
  return (
    <div class="table-wrap">
      <table class="board-table numbers" data-testid="recommendations-table">
        <caption class="visually-hidden">Recommended wrap-up window per queue and channel</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Channel</th>
            <th scope="col">Sessions</th>
            <th scope="col">Ended by the timer</th>
            <th scope="col">Median needed</th>
            <th scope="col">80 % done by</th>
            <th scope="col">Current window</th>
            <th scope="col">Agent hours at the median</th>
            <th scope="col">Recommendation</th>
          </tr>
        </thead>
        <tbody>
          {recommendations.map((r) => (
            <tr
              key={queueChannelKey(r)}
              data-testid="recommendation-row"
              data-queue-id={r.queueId ?? ''}
              data-channel={r.channel}
              data-withheld={String(r.withheld)}
            >
              <th scope="row">{queueText(r.queueId, r.queueName)}</th>
              <td>{channelLabel(r.channel)}</td>
              <td>{r.sampleSize}</td>
              <td>{r.censored}</td>
              <td>{formatSeconds(r.medianSeconds, r.withheld ? 'withheld' : 'not estimable')}</td>
              <td>{formatSeconds(r.p80Seconds, r.withheld ? 'withheld' : 'not estimable')}</td>
              <td>{formatSeconds(r.currentSeconds, 'none (untimed)')}</td>
              <td>{formatHoursChange(r.agentHoursPerDayChange)}</td>
              <td class="wide" data-testid="recommendation-words">
                {recommendationWords(r)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DistributionChart({ label, distribution }: { label: string; distribution: Distribution }) {
  const summary = distributionSummary(label, distribution);
  const data = useMemo(() => survivalSeries(distribution) as uPlot.AlignedData, [distribution]);
  const options = useMemo(
    (): Omit<uPlot.Options, 'width' | 'height'> => ({
      scales: { x: { time: false, range: [0, distributionSpan(distribution)] }, y: { range: [0, 1] } },
      axes: [
        {
          label: 'Time since the wrap-up began',
          // Room for "1 min 30 s" between ticks.
          space: 80,
          values: (_u, ticks) => ticks.map((t) => formatSeconds(t)),
        },
        { label: 'Still wrapping up', values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)} %`) },
      ],
      series: [
        {},
        {
          label: 'Share still wrapping up',
          stroke: CURVE_COLOR,
          width: 2,
          // Kaplan-Meier: the level holds until the next agent finishes.
          paths: uPlot.paths.stepped?.({ align: 1 }),
          points: { show: false },
        },
      ],
    }),
    [distribution],
  );
  const marker = useMemo(
    () =>
      distribution.currentSeconds === null
        ? undefined
        : {
            x: distribution.currentSeconds,
            label: `Current window ${formatSeconds(distribution.currentSeconds)}`,
            color: WINDOW_COLOR,
          },
    [distribution],
  );
  if (distribution.buckets.every((bucket) => bucket.ended + bucket.censored === 0)) {
    return (
      <p class="empty" data-testid="distribution-empty">
        {summary}
      </p>
    );
  }
  return (
    <figure class="chart-figure">
      <Chart summary={summary} data={data} options={options} marker={marker} testId="distribution-chart" />
      <figcaption class="hint" data-testid="distribution-caption">
        Solid line: the share of agents still wrapping up after the time on the axis.
        {marker === undefined
          ? ' No current window (untimed).'
          : ` Dashed line: the current window, ${formatSeconds(marker.x)}.`}
      </figcaption>
      <details class="data-table">
        <summary>The distribution as a table</summary>
        <div class="table-wrap">
          <table class="board-table numbers" data-testid="distribution-table">
            <caption class="visually-hidden">Time agents needed in {label}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Ended by the agent</th>
                <th scope="col">Ended by the system</th>
                <th scope="col">Still wrapping up at the end</th>
              </tr>
            </thead>
            <tbody>
              {distribution.buckets.map((bucket) => (
                <tr key={bucket.fromSeconds} data-testid="distribution-row">
                  <th scope="row">
                    {formatSeconds(bucket.fromSeconds)} to {formatSeconds(bucket.toSeconds)}
                  </th>
                  <td>{bucket.ended}</td>
                  <td>{bucket.censored}</td>
                  <td>{formatShare(survivalAt(distribution, bucket.toSeconds))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function TrendChart({ report }: { report: Report }) {
  const data = useMemo(() => wrapUpTrendSeries(report) as uPlot.AlignedData, [report]);
  const options = useMemo(
    (): Omit<uPlot.Options, 'width' | 'height'> => ({
      // Days are UTC days: the axis says them in UTC too.
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: {
        // Half a day either side: the first and last days are not on the chart's edges (nor a day
        // alone, which uPlot would otherwise put at the left edge).
        x: { time: true, range: [(data[0][0] ?? 0) - 43_200, (data[0].at(-1) ?? 0) + 43_200] },
        y: { range: (_u, _min, max) => [0, Number.isFinite(max) ? Math.max(60, max * 1.1) : 60] },
      },
      axes: [
        {
          // Whole days only, said as days.
          incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400],
          space: 60,
          values: (_u, ticks) =>
            ticks.map((t) => formatDay(new Date(t * 1000).toISOString().slice(0, 10)).slice(0, -5)),
        },
        { label: 'Wrap-up per contact', values: (_u, ticks) => ticks.map((t) => formatSeconds(t)) },
      ],
      series: [
        {},
        {
          label: 'Wrap-up per contact',
          stroke: CURVE_COLOR,
          width: 2,
          points: { show: true, size: 6 },
          spanGaps: false,
        },
      ],
    }),
    [data],
  );
  const rows = [...report.rows].sort((a, b) => ((a.day ?? '') < (b.day ?? '') ? -1 : 1));
  if (rows.every((row) => row.averageWrapUpSeconds === null)) {
    return (
      <p class="empty" data-testid="trend-empty">
        {trendSummary(report)}
      </p>
    );
  }
  return (
    <figure class="chart-figure">
      <Chart summary={trendSummary(report)} data={data} options={options} testId="trend-chart" />
      <figcaption class="hint">Total wrap-up time / contacts handled, per day (UTC).</figcaption>
      <details class="data-table">
        <summary>Wrap-up per contact as a table</summary>
        <div class="table-wrap">
          <table class="board-table numbers" data-testid="trend-table">
            <caption class="visually-hidden">Wrap-up per contact per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Contacts</th>
                <th scope="col">Wrap-up per contact</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.day} data-testid="trend-row">
                  <th scope="row">{row.day === null ? 'Unknown day' : formatDay(row.day)}</th>
                  <td>{row.contacts}</td>
                  <td>{formatSeconds(row.averageWrapUpSeconds, 'no contacts')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
