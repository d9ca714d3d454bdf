/**
 * Synthesises the stateful stack in-process (no CLI, no Docker, no AWS) and checks the table against
 * shared/adapters/dynamo/table.ts, so the deployed table cannot drift from what the adapters expect.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { type BuildAppProps, buildApp as buildAppUnscoped, stackId } from '../../infra/app-builder';
import { ATTRIBUTE_NAMES, INDEXES, KEY, TTL_ATTRIBUTE } from '../../shared/adapters/dynamo/table';

/** Same context the CDK CLI would pass (feature flags, default stage). */
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

const TABLE = 'AWS::DynamoDB::GlobalTable';

/** Each App otherwise makes its own /tmp/cdk.outXXXX and leaves it behind; keep them under one removable root. */
const outRoot = mkdtempSync(join(tmpdir(), 'cdk-test-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));
let apps = 0;
/** Bundling skipped, as in the stateless test: these tests look at stack names and the table, not at code (test/aws bundles for real). */
const buildApp = (props: BuildAppProps = {}) =>
  buildAppUnscoped({ ...props, appProps: { outdir: join(outRoot, `app${++apps}`), ...props.appProps, context: { 'aws:cdk:bundling-stacks': [], ...props.appProps?.context } } });

const keySchema = (pk: string, sk?: string) => [
  { AttributeName: pk, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' }] : []),
];

const { stateful } = buildApp({ appProps: { context: cdkJson.context } });
const template = Template.fromStack(stateful);

function tableResource(): { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string } {
  const resources = Object.values(template.findResources(TABLE));
  expect(resources).toHaveLength(1);
  return resources[0] as ReturnType<typeof tableResource>;
}

describe('cdk.json', () => {
  it('runs infra/app.ts through tsx', () => {
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
  });
});

describe('buildApp', () => {
  it('names the stack after the stage, defaulting to dev', () => {
    expect(stateful.stackName).toBe('CaseRouting-dev-Stateful');
    expect(buildApp().stateful.node.id).toBe(stackId('dev', 'Stateful'));
  });

  it('takes the stage from context, and an explicit stage over context', () => {
    expect(buildApp({ appProps: { context: { stage: 'prod' } } }).stateful.stackName).toBe('CaseRouting-prod-Stateful');
    expect(buildApp({ stage: 'qa', appProps: { context: { stage: 'prod' } } }).stateful.stackName).toBe(
      'CaseRouting-qa-Stateful',
    );
  });

  it('rejects a stage that would make an invalid stack name', () => {
    expect(() => buildApp({ stage: 'my stage' })).toThrow(/Invalid stage/);
    expect(() => buildApp({ stage: '1dev' })).toThrow(/Invalid stage/);
  });
});

describe('StatefulStack table', () => {
  it('is the only table in the stack and is exposed as stack.table', () => {
    template.resourceCountIs(TABLE, 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(stateful.table.node.path).toBe(`${stateful.node.id}/Table`);
  });

  it('has the string pk/sk key schema from KEY', () => {
    template.hasResourceProperties(TABLE, { KeySchema: keySchema(KEY.pk, KEY.sk) });
  });

  it('defines exactly the key attributes in ATTRIBUTE_NAMES, all strings', () => {
    const defs = tableResource().Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    expect(defs.map((d) => d.AttributeName).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(new Set(defs.map((d) => d.AttributeType))).toEqual(new Set(['S']));
  });

  it('has exactly the GSIs in INDEXES', () => {
    const gsis = tableResource().Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(INDEXES.map((i) => i.name).sort());
  });

  it.each(INDEXES.map((index) => [index.name, index] as const))('has GSI %s with its keys and projection (all, or the attributes it names)', (_, index) => {
    template.hasResourceProperties(TABLE, {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectEquals({
          IndexName: index.name,
          KeySchema: keySchema(index.pk, index.sk),
          Projection: index.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'ALL' },
        }),
      ]),
    });
  });

  it('projects only the report fact into byOpenReceipt', () => {
    expect(INDEXES.find((i) => i.name === 'byOpenReceipt')?.include).toEqual(['fact']);
  });

  it('bills on demand', () => {
    template.hasResourceProperties(TABLE, { BillingMode: 'PAY_PER_REQUEST' });
  });

  it('encrypts with the AWS-managed KMS key', () => {
    template.hasResourceProperties(TABLE, { SSESpecification: { SSEEnabled: true, SSEType: 'KMS' } });
  });

  it('enables point-in-time recovery and deletion protection on its (single) replica', () => {
    const replicas = tableResource().Properties.Replicas as unknown[];
    expect(replicas).toHaveLength(1);
    template.hasResourceProperties(TABLE, {
      Replicas: [
        Match.objectLike({
          Region: { Ref: 'AWS::Region' },
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('expires items by TTL_ATTRIBUTE', () => {
    template.hasResourceProperties(TABLE, {
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is retained on stack deletion and on replacement', () => {
    template.hasResource(TABLE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('outputs the table name', () => {
    const logicalId = template.getResourceId(TABLE);
    template.hasOutput('TableName', { Value: { Ref: logicalId } });
  });

  it('synthesises without warnings or errors', () => {
    const annotations = Annotations.fromStack(stateful);
    annotations.hasNoWarning('*', Match.anyValue());
    annotations.hasNoError('*', Match.anyValue());
  });
});
