import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag IAM5 finding for a wildcard *resource* derived from another resource's
 * ARN, e.g. `<Table.Arn>/index/*`. cdk-nag v3 names each finding by the logical id it sees, so we
 * build that name from the resource rather than hard-coding a logical id that changes with the tree.
 * Wildcard actions are never acknowledged.
 */
export function acknowledgeArnWildcard(on: IConstruct, target: CfnElement, arnSuffix: string, reason: string): void {
  const logicalId = Stack.of(target).resolve(target.logicalId) as string;
  Validations.of(on).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${arnSuffix}]`, reason });
}
