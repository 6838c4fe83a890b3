#!/usr/bin/env -S npx tsx
/**
 * `connect-acw`: the CDK app (cdk.json's `app` runs this file with no arguments), or, given
 * `policies`, the administrators' command line (`npx connect-acw policies export|import`,
 * bin/policies.ts). Dispatched before anything is loaded: the command line never loads aws-cdk-lib,
 * and the CDK app never loads the DynamoDB client.
 */
if (process.argv[2] === 'policies') {
  const { main } = await import('./policies');
  process.exitCode = await main(process.argv.slice(3));
} else {
  await import('./cdk-app');
}

// A module (for the top-level await), exporting nothing.
export {};
