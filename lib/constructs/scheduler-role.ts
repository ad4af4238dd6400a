import { Stack, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { acknowledgeArnWildcard } from '../nag';

/**
 * The role EventBridge Scheduler assumes to invoke one function (and dead-letter what it cannot),
 * limited to schedules of this account; the `<arn>:*` grant LambdaInvoke adds is acknowledged here,
 * next to the grant, with its reason.
 */
export function schedulerRoleFor(scope: Construct, id: string, fn: lambda.IFunction, description: string): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description,
  });
  acknowledgeArnWildcard(
    role,
    fn.node.defaultChild as CfnResource,
    ':*',
    `LambdaInvoke grants lambda:InvokeFunction on ${fn.node.id} and its versions/aliases ("<arn>:*"); it names this one function, not others.`,
  );
  return role;
}
