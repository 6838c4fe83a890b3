/**
 * R18 on SSM Parameter Store: ACW is off while the parameter says `off`; anything else, and a
 * parameter that cannot be read, means on (a Parameter Store outage must not stop wrap-up).
 * Read at most every `cacheMs`, so a change takes effect within that time.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { KillSwitch, Log } from '../core/ports';

export interface SsmKillSwitchProps {
  readonly client: SSMClient;
  readonly parameterName: string;
  readonly log: Log;
  /** @default 30_000 */
  readonly cacheMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export class SsmKillSwitch implements KillSwitch {
  private cached: { on: boolean; until: number } | undefined;

  constructor(private readonly props: SsmKillSwitchProps) {}

  async isOn(): Promise<boolean> {
    const now = (this.props.now ?? Date.now)();
    if (this.cached !== undefined && now < this.cached.until) return this.cached.on;
    let on = true;
    try {
      const result = await this.props.client.send(
        new GetParameterCommand({ Name: this.props.parameterName }),
      );
      on = result.Parameter?.Value?.trim().toLowerCase() !== 'off';
    } catch (error) {
      this.props.log.warn('Could not read the ACW switch; treating ACW as on', {
        parameter: this.props.parameterName,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.cached = { on, until: now + (this.props.cacheMs ?? 30_000) };
    return on;
  }
}
