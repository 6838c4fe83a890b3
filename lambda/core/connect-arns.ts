/**
 * How Amazon Connect names what this system touches: its ARNs and ids, each rule stated once for
 * the configuration, the CloudFormation parameter, the constructs' prop checks and the handlers.
 *
 * Two strictnesses, on purpose: what a user configures is checked whole (`INSTANCE_ARN`,
 * `QUEUE_ARN`); what Connect itself sends in an event is read leniently (`*_IN_EVENT`), so that a
 * partition or id format this code has not seen is still handled rather than refused.
 */

/**
 * An Amazon Connect instance ARN (`arn:aws:connect:REGION:ACCOUNT:instance/ID`), as a pattern
 * string: CloudFormation's `AllowedPattern` of the `ConnectInstanceArn` parameter takes it as is.
 */
export const INSTANCE_ARN_PATTERN = '^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]{36}$';

/** An Amazon Connect instance ARN (the configuration's `connectInstanceArn`, the stack's parameter). */
export const INSTANCE_ARN = new RegExp(INSTANCE_ARN_PATTERN);

/** The instance ARN without its end anchor: the start of the ARN of anything in the instance. */
const IN_INSTANCE = INSTANCE_ARN_PATTERN.slice(0, -1);

/** A standard queue's ARN, its id captured: `.../instance/ID/queue/QUEUE_ID`. */
export const QUEUE_ARN = new RegExp(`${IN_INSTANCE}/queue/([0-9a-zA-Z-]+)$`);

/** An agent's own queue (quick connects to an agent): `.../instance/ID/queue/agent/AGENT_ID`. */
export const AGENT_QUEUE_ARN = new RegExp(`${IN_INSTANCE}/queue/agent/[^/]+$`);

/** A Connect resource id as the configuration and the API take it (a queue, a user, an agent status). */
export const CONNECT_ID = /^[0-9a-zA-Z-]{1,256}$/;

/** In an event: an agent's ARN, `...:instance/ID/agent/ID`. */
export const AGENT_ARN_IN_EVENT = /^arn:[^/]+\/[^/]+\/agent\/[^/]+$/;

/** In an event: a standard queue's ARN, its id captured (an agent's queue, `.../queue/agent/ID`, is not one). */
export const STANDARD_QUEUE_ARN_IN_EVENT = /^arn:[^/]+\/[^/]+\/queue\/([^/]+)$/;

/** In an event: an agent's own queue, the agent id captured. */
export const AGENT_QUEUE_ARN_IN_EVENT = /^arn:[^/]+\/[^/]+\/queue\/agent\/([^/]+)$/;

/**
 * In an event: an agent hierarchy group's ARN (`agentInfo.hierarchyGroups.levelN.arn`,
 * `...:instance/ID/agent-group/GROUP_ID`), the group id captured.
 */
export const AGENT_GROUP_ARN_IN_EVENT = /^arn:[^/]+\/[^/]+\/agent-group\/([^/]+)$/;
