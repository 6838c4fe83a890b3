/**
 * R20, issue 12: the deploy-time policies travel in each function's code bundle, not in its
 * environment (Lambda allows 4 KB of environment; a center has thousands of queues). The stack
 * writes the validated `acw.policies` to this file beside the bundled handler
 * (lib/acw-function.ts); the function reads it once, at init (lambda/handlers/runtime.ts).
 * No imports: the CDK app and the functions both read this name.
 */
export const POLICIES_FILE = 'acw-policies.json';
