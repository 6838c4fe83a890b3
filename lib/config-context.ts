/**
 * The `acw` configuration from CDK context: an object (cdk.json, `new App({ context })`) or its
 * JSON text (`cdk deploy -c acw='{...}'` passes a string), validated by `parseAcwConfig`.
 */
import type { IConstruct } from 'constructs';
import { type AcwConfig, ConfigError, parseAcwConfig } from '../lambda/config/acw-config';

/** The context key that holds the configuration. */
export const ACW_CONTEXT_KEY = 'acw';

/**
 * The validated configuration from `scope`'s context.
 * @throws ConfigError naming each bad field, or saying the JSON text does not parse.
 */
export function acwConfigFromContext(scope: IConstruct): AcwConfig {
  const raw: unknown = scope.node.tryGetContext(ACW_CONTEXT_KEY);
  return parseAcwConfig(typeof raw === 'string' ? parseJsonText(raw) : raw, ACW_CONTEXT_KEY);
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`${ACW_CONTEXT_KEY} is not valid JSON (${reason})`]);
  }
}
