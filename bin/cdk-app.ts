/**
 * The CDK app: one connect-acw stack, configured by the `acw` context value (cdk.json, or
 * `cdk deploy -c acw='{...}'`), checked by cdk-nag's AwsSolutions rules. Run by bin/connect-acw.ts
 * (what cdk.json's `app` runs) when it is given no `policies` command.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lambda/config/acw-config';
import { acwConfigFromContext } from '../lib/config-context';
import { ConnectAcwStack } from '../lib/connect-acw-stack';
import { addNagChecks } from '../lib/nag';

const app = new App();
try {
  const config = acwConfigFromContext(app);
  new ConnectAcwStack(app, 'ConnectAcw', {
    config,
    // Offline synth needs no account: the stack is environment-agnostic unless the CLI knows one.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  addNagChecks(app);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The message names every bad field; a stack trace would only hide it.
  console.error(error.message);
  process.exit(1);
}
