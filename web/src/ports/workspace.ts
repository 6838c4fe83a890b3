/**
 * The agent port in Connect's Agent Workspace: the widget is a third-party app (an iframe the
 * workspace opens, `contactHandling.scope: CROSS_CONTACTS` so it outlives each contact).
 * `AmazonConnectApp.init` connects to the workspace; its provider feeds `AgentClient` and
 * `ContactClient` (connect-clients.ts).
 */
import { AmazonConnectApp } from '@amazon-connect/app';
import type { AgentPort } from '../agent-port';
import { portFromClients, type SdkClientConfig } from './connect-clients';

/** Connects to the Agent Workspace hosting this page. */
export async function connectWorkspace(): Promise<AgentPort> {
  const { provider } = AmazonConnectApp.init({
    // Nothing to set up when the workspace creates or destroys the app: the widget is already running.
    onCreate: async () => undefined,
    onDestroy: async () => undefined,
  });
  // @amazon-connect/app 1.0.11 and @amazon-connect/contact 1.0.12 each bring their own copy of
  // @amazon-connect/core, so the provider's type is another copy's; at run time the clients only
  // read it (getModuleContext), and the copies differ by their version string.
  return portFromClients('workspace', provider as unknown as SdkClientConfig);
}
