/**
 * The supervisor board's two views on one page: the wrap-ups (the default) and Insights
 * (`board.html#insights`, issue 13). One page, so one sign-in: tokens live in memory only, and a
 * second page would ask the supervisor to sign in again. Insights and its chart library are a
 * chunk of their own, fetched the first time the view is opened.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient } from '../api';
import { createAuth } from '../auth';
import { openBrowserPopup } from '../auth-popup';
import { resolveUrl, type WebConfig } from '../config';
import { Board } from './Board';
import type { InsightsProps } from './Insights';

/** The view a URL's fragment names: `#insights`, else the wrap-ups. */
export type BoardView = 'wrap-ups' | 'insights';

function viewOf(hash: string): BoardView {
  return hash === '#insights' ? 'insights' : 'wrap-ups';
}

/** The board page, once config.json is loaded. */
export function BoardApp({ config }: { config: WebConfig }) {
  const pageUrl = window.location.href;
  const auth = useMemo(
    () => createAuth(config.auth, { pageUrl, local: { supervisor: true }, openPopup: openBrowserPopup }),
    [config, pageUrl],
  );
  const api = useMemo(
    () => new ApiClient({ baseUrl: resolveUrl(config.apiUrl, pageUrl), tokens: auth }),
    [config, pageUrl, auth],
  );
  const [view, setView] = useState<BoardView>(() => viewOf(window.location.hash));
  const [insights, setInsights] = useState<FunctionComponent<InsightsProps> | undefined>(undefined);
  const [chunkProblem, setChunkProblem] = useState<string | undefined>(undefined);
  const switched = useRef(false);

  useEffect(() => {
    const onHash = () => {
      switched.current = true;
      setView(viewOf(window.location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (view !== 'insights' || insights !== undefined) return;
    import('./Insights').then(
      (module) => setInsights(() => module.Insights),
      (error: unknown) =>
        setChunkProblem(`Insights could not be loaded (${String(error)}). Reload the page.`),
    );
  }, [view, insights]);

  // After a switch (not on load), the new view's heading gets the focus, so a screen reader
  // says where the user landed and Tab goes on from there.
  useEffect(() => {
    if (!switched.current) return;
    document.getElementById(view === 'insights' ? 'insights-title' : 'board-title')?.focus();
  });

  const Insights = insights;
  return (
    <>
      <nav class="view-nav" aria-label="Board views">
        <a
          href="#wrap-ups"
          data-testid="nav-wrap-ups"
          aria-current={view === 'wrap-ups' ? 'page' : undefined}
        >
          Wrap-ups
        </a>
        <a
          href="#insights"
          data-testid="nav-insights"
          aria-current={view === 'insights' ? 'page' : undefined}
        >
          Insights
        </a>
      </nav>
      {view === 'wrap-ups' ? (
        <Board auth={auth} api={api} />
      ) : Insights !== undefined ? (
        <Insights auth={auth} api={api} />
      ) : (
        <main class="page" aria-labelledby="insights-title">
          <h1 id="insights-title" tabIndex={-1}>
            Insights
          </h1>
          {chunkProblem === undefined ? (
            <p class="hint">Loading…</p>
          ) : (
            <p class="message message-error" role="alert" data-testid="load-error">
              {chunkProblem}
            </p>
          )}
        </main>
      )}
    </>
  );
}
