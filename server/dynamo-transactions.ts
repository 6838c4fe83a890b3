/**
 * The local server's DynamoDB is dynalite, which has no TransactWriteItems; the policy store
 * (R20: an administrator's change is the overrides document and its audit item in one transaction)
 * needs it. This middleware runs a transaction's Puts one after the other, in order, on the same
 * table: the first write's condition (the document's version) is the guard, so of two changes on
 * one version exactly one is accepted, as in DynamoDB. Not atomic on a failure after the first
 * write (DynamoDB's is): good enough for one developer's machine, never used deployed.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** Makes `client` run TransactWriteItems as its Puts in order (see above). */
export function emulateTransactWrites(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      // First of all (initialize, high): the items as the document client was given them, unmarshalled.
      const items = (args.input as TransactWriteCommandInput).TransactItems ?? [];
      for (const [index, item] of items.entries()) {
        const put = item.Put;
        // Only Put: what the policy store writes.
        if (put === undefined) throw new Error('The local DynamoDB runs only Put in a transaction');
        try {
          // As a document client's request, like every other one the simulator's middleware sees.
          await client.send(new PutCommand(put));
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          throw new TransactionCanceledException({
            message: `Transaction cancelled: the condition of item ${index} failed`,
            $metadata: { httpStatusCode: 400 },
            CancellationReasons: items.map((_, other) => ({
              Code: other === index ? 'ConditionalCheckFailed' : 'None',
            })),
          });
        }
      }
      return { output: { $metadata: { httpStatusCode: 200 } }, response: {} };
    },
    { step: 'initialize', priority: 'high', name: 'localTransactWrites' },
  );
}
