/// <reference types="amazon-connect-streams" />
/**
 * The agent port beside a custom CCP: the widget page embeds the CCP with amazon-connect-streams
 * (`connect.core.initCCP`) and, once it is initialised, feeds `connect.core.getSDKClientConfig()`
 * to the same clients as Agent Workspace (connect-clients.ts).
 *
 * Streams is large (~700 KB) and meant to be loaded as a script: the build copies it next to the
 * pages (ACW_STREAMS_SCRIPT) and it is loaded only here. A page that already loaded streams keeps
 * its own. The page's origin must be among the instance's approved origins.
 */
import type { AgentPort } from '../agent-port';
import { portFromClients, type SdkClientConfig } from './connect-clients';

/** What the CCP port needs. */
export interface CcpOptions {
  /** `https://<alias>.my.connect.aws/ccp-v2/` */
  readonly ccpUrl: string;
  /** Where the CCP's iframe goes. */
  readonly container: HTMLElement;
  /** The streams script, relative to the page. @default ACW_STREAMS_SCRIPT (set by the build) */
  readonly streamsScript?: string | undefined;
}

/** Embeds the CCP and connects to it; resolves once the agent is logged in to the CCP. */
export async function connectCcp(options: CcpOptions): Promise<AgentPort> {
  await loadStreams(options.streamsScript ?? ACW_STREAMS_SCRIPT);
  connect.core.initCCP(options.container, {
    ccpUrl: options.ccpUrl,
    // The CCP's login page cannot be framed: Connect opens it in a popup and closes it after.
    loginPopup: true,
    loginPopupAutoClose: true,
    softphone: { allowFramedSoftphone: true },
  });
  await new Promise<void>((resolve) => {
    connect.core.onInitialized(() => resolve());
  });
  // Streams declares the configuration as `{ provider: unknown }`: it is its own provider, which
  // the clients accept as `{ provider }`.
  return portFromClients('ccp', connect.core.getSDKClientConfig() as SdkClientConfig);
}

function loadStreams(src: string): Promise<void> {
  const loaded = (globalThis as { connect?: { core?: { initCCP?: unknown } } }).connect?.core?.initCCP;
  if (typeof loaded === 'function') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load amazon-connect-streams from ${src}`));
    document.head.append(script);
  });
}
