/**
 * `node --import tsx lib/bundle-cli.ts <handler file> <output directory>`: bundles one handler into
 * `<output directory>/index.js` as the stack deploys it (lib/bundle.ts). `AcwFunction` runs it from
 * its local bundling, in a process of its own, because CDK bundles synchronously and esbuild's
 * plugins need its asynchronous API.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLING, bundleHandler } from './bundle';

/** The repository root (not imported from acw-function.ts: that would load aws-cdk-lib for nothing). */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const [entry, outputDir] = process.argv.slice(2);
if (entry === undefined || outputDir === undefined) {
  process.stderr.write('usage: bundle-cli.ts <handler file> <output directory>\n');
  process.exit(2);
}
await bundleHandler({
  source: { entry },
  outfile: join(outputDir, 'index.js'),
  workingDir: REPO_ROOT,
  bundling: BUNDLING,
});
