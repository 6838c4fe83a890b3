/**
 * R18, R20: the kill switch in force. An administrator's override (`PUT /v1/admin/kill-switch`,
 * kept in the policies document) wins while it is set; without one, the deployed switch (the SSM
 * parameter) decides, and without that ACW is on. The override is read with the live policies
 * (`PolicySource.killSwitchOverride`: the same document read, at most one a minute per instance),
 * so a change is seen within 60 s by the functions that read the switch (start, sweep).
 */
import type { KillSwitch, KillSwitchState, Log, PolicySource } from './ports';

/** Where the override is read: the live policies. */
export type KillSwitchOverrides = Required<Pick<PolicySource, 'killSwitchOverride'>>;

export interface OverridableKillSwitchProps {
  readonly overrides: KillSwitchOverrides;
  /** The deployed switch (SSM); absent: on unless overridden. */
  readonly deployed?: KillSwitch | undefined;
  readonly log: Log;
}

/** R18, R20: the override when present, else the deployed switch. */
export class OverridableKillSwitch implements KillSwitch {
  constructor(private readonly props: OverridableKillSwitchProps) {}

  /**
   * When the document cannot be read (and none was read before), the deployed switch decides,
   * as it did before administrators could override it: the switch must not fail the sweep.
   */
  async isOn(): Promise<boolean> {
    let override: KillSwitchState | undefined;
    try {
      override = await this.props.overrides.killSwitchOverride();
    } catch (error) {
      this.props.log.warn("Reading the kill switch's override failed; the deployed switch decides", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (override !== undefined) return override === 'on';
    return this.props.deployed === undefined ? true : this.props.deployed.isOn();
  }
}

/**
 * The kill switch a function uses: the overridable one when its live policies can carry an
 * override, else the deployed switch alone.
 */
export function killSwitchOf(
  policies: PolicySource | undefined,
  deployed: KillSwitch | undefined,
  log: Log,
): KillSwitch | undefined {
  const killSwitchOverride = policies?.killSwitchOverride?.bind(policies);
  if (killSwitchOverride === undefined) return deployed;
  return new OverridableKillSwitch({ overrides: { killSwitchOverride }, deployed, log });
}
