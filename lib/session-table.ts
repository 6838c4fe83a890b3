/**
 * The wrap-up session table (R4, R14, R17): one item per contact and agent, laid out as
 * lambda/adapters/dynamo-session-store.ts reads and writes it (`SESSION_TABLE`).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  BY_QUEUE_DAY_ATTRIBUTES,
  POLICY_PARTITION_KEY,
  SESSION_TABLE,
} from '../lambda/adapters/session-keys';
import { ENV } from '../lambda/handlers/env';
import type { AcwFunction } from './acw-function';

/** Properties of the session table. */
export interface SessionTableProps {
  /**
   * A customer managed KMS key to encrypt the table with.
   * @default - the AWS managed key for DynamoDB (`aws/dynamodb`)
   */
  readonly encryptionKey?: IKey;
}

/**
 * DynamoDB, on demand, point-in-time recovery, kept when the stack is deleted (the sessions are
 * the wrap-up records of R17), with the `openByAgent` and `byQueueDay` indexes and TTL.
 */
export class SessionTable extends Construct {
  /** The table. */
  readonly table: Table;

  constructor(scope: Construct, id: string, props: SessionTableProps = {}) {
    super(scope, id);
    // Nothing to validate: the only prop is an optional key, checked by its type.

    this.table = new Table(this, 'Table', {
      partitionKey: { name: SESSION_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: SESSION_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Renaming or deleting the stack must never delete the wrap-up records.
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: SESSION_TABLE.ttlAttribute,
      ...(props.encryptionKey === undefined
        ? { encryption: TableEncryption.AWS_MANAGED }
        : { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: SESSION_TABLE.openByAgentIndex,
      partitionKey: { name: SESSION_TABLE.openByAgentKey, type: AttributeType.STRING },
      sortKey: { name: SESSION_TABLE.openByAgentSort, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: SESSION_TABLE.byQueueDayIndex,
      partitionKey: { name: SESSION_TABLE.byQueueDayKey, type: AttributeType.STRING },
      sortKey: { name: SESSION_TABLE.byQueueDaySort, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...BY_QUEUE_DAY_ATTRIBUTES],
    });
  }

  /** Lets `fn` list open sessions: Query and Scan on the sparse `openByAgent` index only. */
  grantListOpen(fn: AcwFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:Scan'],
        resources: [`${this.table.tableArn}/index/${SESSION_TABLE.openByAgentIndex}`],
      }),
    );
  }

  /**
   * R9, R10: lets `fn` keep the records of contacts that interrupted a wrap-up (each side marked,
   * the restore claimed and marked done in place): UpdateItem on the table. Only the contact
   * events' consumer (the wrap-up worker) handles interruptions.
   */
  grantInterruptions(fn: AcwFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [this.table.tableArn] }),
    );
    this.table.encryptionKey?.grantEncryptDecrypt(fn);
  }

  /**
   * Lets the intake read a transfer chain (R3, R10): `dynamodb:BatchGetItem` (the flow choices of a
   * contact, its previous and its initial contact, in one request) and `dynamodb:Query` on the
   * table itself (the sessions of the previous contact, by partition).
   */
  grantTransferReads(fn: AcwFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
      }),
    );
  }

  /**
   * R20: lets the administrator routes change the policies: sets `TABLE_NAME` and grants, on the
   * policies' partition only (`dynamodb:LeadingKeys`), GetItem and PutItem (the document and its
   * audit item, written in one TransactWriteItems, which IAM authorizes per item) and Query (the
   * history).
   */
  grantPolicyAdministration(fn: AcwFunction): void {
    fn.addEnvironment(ENV.tableName, this.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [POLICY_PARTITION_KEY] } },
      }),
    );
    this.table.encryptionKey?.grantEncryptDecrypt(fn);
  }

  /**
   * Lets `fn` read and write sessions and their companion items (observed statuses, the claim of a
   * shared restore, a contact flow's choice, the mark of a day to roll up again when a session
   * completes after its roll-up): sets `TABLE_NAME` and grants GetItem and PutItem on the table, and
   * Query on the `openByAgent` index (an agent's open wrap-ups, R10, R12). Every write is a whole
   * item (PutItem); the interruption records, the one thing updated in place, are `grantInterruptions`.
   */
  grantSessions(fn: AcwFunction): void {
    fn.addEnvironment(ENV.tableName, this.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${SESSION_TABLE.openByAgentIndex}`],
      }),
    );
    this.table.encryptionKey?.grantEncryptDecrypt(fn);
  }
}
