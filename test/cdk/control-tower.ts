/**
 * AWS Control Tower's proactive controls, run offline: the Guard rules and the cfn-guard binary that
 * `@cdklabs/cdk-validator-cfnguard` ships (the same rules Control Tower runs as CloudFormation
 * hooks), over synthesized templates.
 *
 * cfn-guard is run once over every template, with the rule files that can apply to them: those
 * that name a resource type of some template, in their "Reports on:" header or in a type constant
 * (`let S3_BUCKET_TYPE = "AWS::S3::Bucket"`, what their `Resources.*[ Type == ... ]` selections
 * use), compared without case (a few headers misspell a type's case). A rule that names no type of
 * a template selects nothing in it (it only ever answers "not applicable"), and leaving it out
 * keeps the run to seconds instead of a minute or more.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = dirname(
  createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json'),
);
/** The Control Tower rules the package ships. */
export const RULES_DIR = join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

/** The package's cfn-guard for this machine (it ships Linux and macOS, x86-64 and arm64). */
export function guardBinary(): string {
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : undefined;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : undefined;
  if (os === undefined || cpu === undefined) {
    throw new Error(`cfn-guard: @cdklabs/cdk-validator-cfnguard ships no binary for ${platform()} ${arch()}`);
  }
  return join(PACKAGE_DIR, 'bin', os, cpu, 'cfn-guard');
}

/** One rule file: the control it implements, its Guard rule names and the types it reports on. */
export interface ControlRule {
  /** The file. */
  readonly path: string;
  /** The control id, `CT.SQS.PR.1`. */
  readonly control: string;
  /** The names of the Guard rules that decide it (what cfn-guard reports). */
  readonly ruleNames: readonly string[];
  /** The CloudFormation resource types it reports on or selects by. */
  readonly reportsOn: readonly string[];
}

/** Every Control Tower rule file of the package. */
export function controlRules(dir: string = RULES_DIR): ControlRule[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return controlRules(path);
    if (!entry.endsWith('.guard')) return [];
    return [parseRule(path, readFileSync(path, 'utf8'))];
  });
}

function parseRule(path: string, text: string): ControlRule {
  const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(text)?.[1];
  const ruleNames = [...new Set([...text.matchAll(/^rule (\w+) when /gm)].map((match) => match[1] ?? ''))];
  const header = /^# Reports on:\n((?:#[ \t]+\S.*\n)+)/m.exec(text)?.[1] ?? '';
  const constants = [...text.matchAll(/^let \w+ = "(AWS::\w+::\w+)"/gm)].map((match) => match[1] ?? '');
  const reportsOn = [
    ...new Set([...header.matchAll(/AWS::\w+::\w+/g)].map((match) => match[0]).concat(constants)),
  ];
  if (control === undefined || ruleNames.length === 0 || reportsOn.length === 0) {
    throw new Error(
      `${path}: expected a [CT.*.PR.*] control id, a top-level rule and a "Reports on:" header, got ` +
        JSON.stringify({ control, ruleNames, reportsOn }),
    );
  }
  return { path, control, ruleNames, reportsOn };
}

/** What the controls decided for one template. */
export interface ControlResults {
  /** Controls that apply and pass. */
  readonly passed: ReadonlySet<string>;
  /** Controls that apply and fail, with the template paths cfn-guard names (`/Resources/Id/...`). */
  readonly failed: ReadonlyMap<string, readonly string[]>;
}

/** A CloudFormation template, as `Template.toJSON()` gives it. */
export type TemplateJson = {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: unknown }>;
};

/**
 * Runs every Control Tower rule that can apply over `templates` (by name) in one cfn-guard run.
 * @throws Error when cfn-guard fails or reports a rule this module cannot name
 */
export function runControls(templates: Record<string, TemplateJson>): Map<string, ControlResults> {
  return runGuard(templates, rulesFor(Object.values(templates)));
}

/** The rule files that can apply to `templates`: those naming one of their resource types. */
export function rulesFor(templates: readonly TemplateJson[]): ControlRule[] {
  const types = new Set(
    templates.flatMap((template) =>
      Object.values(template.Resources ?? {}).map((resource) => resource.Type.toLowerCase()),
    ),
  );
  return controlRules().filter((rule) => rule.reportsOn.some((type) => types.has(type.toLowerCase())));
}

/**
 * One resource as a CloudFormation hook hands it to Control Tower's controls at deploy time: its
 * type and its properties, every intrinsic function already resolved.
 */
export function hookInput(type: string, resourceProperties: unknown): Record<string, unknown> {
  return { [type]: { resourceProperties } };
}

/**
 * Runs the rules of `controls` over `documents` (by name): templates, or `hookInput` documents.
 * @throws Error when cfn-guard fails or reports a rule this module cannot name
 */
export function runControlsOn(
  documents: Record<string, unknown>,
  controls: readonly string[],
): Map<string, ControlResults> {
  const rules = controlRules().filter((rule) => controls.includes(rule.control));
  if (rules.length !== new Set(controls).size)
    throw new Error(`unknown control among ${controls.join(', ')}`);
  return runGuard(documents, rules);
}

function runGuard(documents: Record<string, unknown>, selected: ControlRule[]): Map<string, ControlResults> {
  const controlOf = new Map(
    controlRules().flatMap((rule) => rule.ruleNames.map((name) => [name, rule.control])),
  );

  const dir = mkdtempSync(join(tmpdir(), 'acw-control-tower-'));
  try {
    const files = new Map<string, string>();
    for (const [name, document] of Object.entries(documents)) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(document));
      files.set(file, name);
    }
    const run = spawnSync(
      guardBinary(),
      [
        'validate',
        ...selected.flatMap((rule) => ['--rules', rule.path]),
        ...[...files.keys()].flatMap((file) => ['--data', file]),
        '--output-format',
        'json',
        '--show-summary',
        'none',
        '--structured',
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.error !== undefined) throw run.error;
    // cfn-guard exits 0 when everything passes and 19 when a rule fails; anything else is its own error.
    if (run.status !== 0 && run.status !== 19) {
      throw new Error(`cfn-guard exited ${run.status}: ${run.stderr}`);
    }
    const results = new Map<string, ControlResults>();
    for (const report of JSON.parse(run.stdout) as GuardReport[]) {
      const name = files.get(report.name);
      if (name === undefined) throw new Error(`cfn-guard reported on an unknown file ${report.name}`);
      const control = (rule: string): string => {
        const id = controlOf.get(rule);
        if (id === undefined) throw new Error(`cfn-guard reported a rule of no known control: ${rule}`);
        return id;
      };
      const failed = new Map<string, string[]>();
      for (const entry of report.not_compliant ?? []) {
        const id = control(entry.Rule.name);
        failed.set(id, [...new Set([...(failed.get(id) ?? []), ...pathsIn(entry)])].sort());
      }
      const passed = new Set((report.compliant ?? []).map(control).filter((id) => !failed.has(id)));
      results.set(name, { passed, failed });
    }
    const missing = [...files.values()].filter((name) => !results.has(name));
    if (missing.length > 0) throw new Error(`cfn-guard reported nothing on ${missing.join(', ')}`);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The part of cfn-guard's structured JSON report read here. */
interface GuardReport {
  readonly name: string;
  readonly compliant?: readonly string[];
  readonly not_compliant?: readonly { readonly Rule: { readonly name: string } }[];
}

/** The resources a failed rule names: every `/Resources/<id>` in what it traversed. */
function pathsIn(value: unknown): string[] {
  if (typeof value === 'string') {
    const match = /^\/Resources\/[^/]+/.exec(value);
    return match === null ? [] : [match[0]];
  }
  if (Array.isArray(value)) return value.flatMap(pathsIn);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === 'path' || typeof inner === 'object' ? pathsIn(inner) : [],
    );
  }
  return [];
}

/** Values a deployment would give, for `resolveIntrinsics`. */
export const SAMPLE_DEPLOYMENT = {
  account: '111122223333',
  region: 'us-east-1',
  partition: 'aws',
} as const;

/**
 * `value` with its intrinsic functions resolved as CloudFormation would in SAMPLE_DEPLOYMENT: pseudo
 * parameters, parameters (their defaults), `Ref` and `Fn::GetAtt` of the template's resources (a
 * made-up id or ARN naming the resource) and `Fn::Join`.
 * @throws Error on another intrinsic function, or a parameter without a default
 */
export function resolveIntrinsics(value: unknown, template: TemplateJsonWithParameters): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, template));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref' && typeof argument === 'string')
    return resolveRef(argument, template);
  if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(argument)) {
    const { account, region, partition } = SAMPLE_DEPLOYMENT;
    return `arn:${partition}:sample:${region}:${account}:${argument.join('/')}`;
  }
  if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(argument)) {
    const [separator, parts] = argument;
    if (typeof separator !== 'string' || !Array.isArray(parts))
      throw new Error(`bad Fn::Join ${JSON.stringify(argument)}`);
    return parts.map((part) => String(resolveIntrinsics(part, template))).join(separator);
  }
  if (entries.length === 1 && key?.startsWith('Fn::'))
    throw new Error(`resolveIntrinsics: ${key} is not supported`);
  return Object.fromEntries(entries.map(([name, inner]) => [name, resolveIntrinsics(inner, template)]));
}

/** A template with its parameters, for `resolveIntrinsics`. */
export type TemplateJsonWithParameters = TemplateJson & {
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
};

function resolveRef(name: string, template: TemplateJsonWithParameters): unknown {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': SAMPLE_DEPLOYMENT.account,
    'AWS::Region': SAMPLE_DEPLOYMENT.region,
    'AWS::Partition': SAMPLE_DEPLOYMENT.partition,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (pseudo[name] !== undefined) return pseudo[name];
  const parameter = template.Parameters?.[name];
  if (parameter !== undefined) {
    if (parameter.Default === undefined)
      throw new Error(`resolveIntrinsics: parameter ${name} has no default`);
    return parameter.Default;
  }
  if (template.Resources?.[name] !== undefined) return `${name.toLowerCase().slice(0, 10)}id`;
  throw new Error(`resolveIntrinsics: Ref to unknown ${name}`);
}

/** The README section that documents the controls. */
export const README_SECTION = '## AWS Control Tower controls';

/** The text of the README section under `heading`, up to the next section of its level. */
export function readmeSection(heading: string): string {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no section ${heading}`);
  const next = readme.indexOf('\n## ', start + heading.length + 2);
  return readme.slice(start, next < 0 ? undefined : next);
}
