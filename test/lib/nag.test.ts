import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers';

interface Acknowledgement {
  id: string;
  reason: string;
  path: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          // aws-cdk-lib stores un-namespaced ids as "Annotation::<id>"; cdk-nag 3.0.2 matches on <id>.
          id: id.replace(/^Annotation::/, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe('cdk-nag AWS Solutions checks', () => {
  let app: App;
  let assemblyDir: string;

  beforeAll(() => {
    // With every kind of subscription, so each construct the stack can contain is checked.
    app = buildTestApp({
      'borderwatch:alertEmails': ['alerts@example.org'],
      'borderwatch:alertSms': ['+358401234567'],
      'borderwatch:operatorEmails': ['ops@example.org'],
    }).app;
    // Throws (NODE_ENV=test runs in-memory) if any error-level finding is left unacknowledged.
    assemblyDir = app.synth().directory;
  }, 60_000);

  it('leaves no unacknowledged finding, warnings included', () => {
    const report = JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
    };
    const findings = report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`));
    expect(findings).toEqual([]);
  });

  it('finds nothing when the pack walks the tree directly', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`)).toEqual([]);
  });

  it('acknowledges only the expected rules, each with a specific reason', () => {
    const acks = acknowledgements(app);
    const ids = [...new Set(acks.map((a) => a.id))].sort();
    expect(ids).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<DetectionPublishFunction[0-9A-F]{8}\.Arn>:\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ScrapingDispatchFunction[0-9A-F]{8}\.Arn>:\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<StoreDocuments[0-9A-F]{8}\.Arn>\/documents\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<StoreTable[0-9A-F]{8}\.Arn>\/index\/\*\]$/),
      'AwsSolutions-S1',
      'AwsSolutions-SQS3',
    ]);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(60);
    }
    // Acknowledged on the narrowest construct, never the app or stack.
    for (const ack of acks) expect(ack.path.split('/').length).toBeGreaterThan(2);
    // Every dead-letter queue acknowledges SQS3 for itself: 4 in scraping, 3 in detection, 3 subscriptions.
    expect(acks.filter((a) => a.id === 'AwsSolutions-SQS3')).toHaveLength(10);
    // Server access logs, on the document archive only.
    expect(acks.filter((a) => a.id === 'AwsSolutions-S1').map((a) => a.path)).toEqual(['Borderwatch/Store/Documents']);
  });

  it('never acknowledges a wildcard action', () => {
    expect(acknowledgements(app).filter((a) => a.id.includes('Action::'))).toEqual([]);
  });

  it('is wired so that a real finding fails synth (control case)', () => {
    const control = new App();
    const stack = new Stack(control, 'Control');
    new iam.Role(stack, 'TooBroad', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { all: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })] }) },
    });
    Validations.of(control).addPlugins(new AwsSolutionsChecks(control));
    expect(() => control.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });
});
