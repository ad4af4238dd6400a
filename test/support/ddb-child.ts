// Started by the lifecycle test as a separate process: starts DynamoDB Local and reports it, then waits to be killed.
import { startDynamoDbLocal } from '../../local/dynamodb-local';

const ddb = await startDynamoDbLocal();
process.stdout.write(`${JSON.stringify({ pid: ddb.pid, port: ddb.port })}\n`);
setInterval(() => undefined, 60_000);
