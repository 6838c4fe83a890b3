/**
 * The local desktop without `?agent=`: lists the local server's agents (`GET /local/agents`) as
 * links, and always offers to type an id (the list is optional in the local server's contract).
 */
import { useEffect, useState } from 'preact/hooks';
import { LOCAL_AGENTS_PATH, type LocalAgent, parseLocalAgents } from '../ports/local';

/** Choose which simulated agent this page is. */
export function LocalAgentPicker({ problem }: { problem?: string | undefined }) {
  const [agents, setAgents] = useState<LocalAgent[] | undefined>(undefined);
  useEffect(() => {
    fetch(LOCAL_AGENTS_PATH, { cache: 'no-store' })
      .then((response) => (response.ok ? response.json() : []))
      .then((body: unknown) => setAgents(parseLocalAgents(body)))
      .catch(() => setAgents([]));
  }, []);
  const link = (agentId: string) => {
    const url = new URL(window.location.href);
    url.searchParams.set('agent', agentId);
    return url.toString();
  };
  return (
    <main class="page widget">
      <h1>Wrap-up (local)</h1>
      <p>Which simulated agent are you? Choose one, or type a Connect user id.</p>
      {problem !== undefined && (
        <p class="message message-error" role="alert" data-testid="agent-picker-problem">
          {problem}
        </p>
      )}
      {agents !== undefined && agents.length > 0 && (
        <ul class="agent-list" data-testid="agent-picker">
          {agents.map((agent) => (
            <li key={agent.agentId}>
              <a href={link(agent.agentId)} data-testid="agent-link" data-agent-id={agent.agentId}>
                {agent.name ?? agent.agentId}
              </a>
            </li>
          ))}
        </ul>
      )}
      <form method="get" class="field">
        <label for="agent-id">Agent id (Connect user id)</label>
        <input id="agent-id" name="agent" required pattern="[0-9a-zA-Z\-]{1,256}" />
        <button type="submit" class="button">
          Be this agent
        </button>
      </form>
      <p>
        <a href="board.html">Or open the supervisor board</a>
      </p>
    </main>
  );
}
