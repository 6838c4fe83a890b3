/**
 * Loads and connects the agent port of the configured kind. Each implementation is a separate
 * chunk (dynamic import), so the widget fetches the Connect SDK only where it runs in Connect.
 */
import type { AgentPort } from '../agent-port';
import type { AgentPortKind } from '../config';

/** What the ports may need from the page. */
export interface PortEnvironment {
  /** The page's URL (the local port reads `?agent=`). */
  readonly pageUrl: string;
  /** An element for the embedded CCP (ccp only). */
  readonly ccpContainer?: HTMLElement;
  /** The CCP's URL (ccp only). */
  readonly ccpUrl?: string;
  /** Where the build put amazon-connect-streams (ccp only), relative to the page. */
  readonly streamsScript?: string;
}

/** Loads and connects the port of the configured kind. */
export async function connectAgentPort(kind: AgentPortKind, env: PortEnvironment): Promise<AgentPort> {
  switch (kind) {
    case 'workspace': {
      const { connectWorkspace } = await import('./workspace');
      return connectWorkspace();
    }
    case 'ccp': {
      if (env.ccpContainer === undefined || env.ccpUrl === undefined) {
        throw new Error('the custom CCP needs ccpUrl in config.json and a container on the page');
      }
      const { connectCcp } = await import('./ccp');
      return connectCcp({
        ccpUrl: env.ccpUrl,
        container: env.ccpContainer,
        streamsScript: env.streamsScript,
      });
    }
    case 'local': {
      const { connectLocal } = await import('./local');
      return connectLocal({
        pageUrl: env.pageUrl,
        openEvents: (url) => new EventSource(url),
      });
    }
  }
}
