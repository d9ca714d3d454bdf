/**
 * The mailbox as an e-mail address on AWS (`-c mailboxAddress=…`): SES receiving's raw-mail bucket,
 * the receipt rule set, the inbound-mail function and what it may do; none of it without the
 * context (SES email receiving exists only in some regions). Synthesised in-process with cdk-nag.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app-builder';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const outdir = mkdtempSync(join(tmpdir(), 'cdk-mailbox-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const context = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };

const built = buildApp({ stage: 'mailtest', appProps: { outdir, context: { ...context, mailboxAddress: 'Chair@Union.Example.org' } } });
built.app.synth(); // throws on any unacknowledged cdk-nag finding
const stateless = Template.fromStack(built.stateless);
const stateful = Template.fromStack(built.stateful);

describe('with a mailbox address', () => {
  it('the raw mail lands in a private, encrypted bucket that forgets after 30 days, and only SES of this account may write it', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['caserouting-mailtest-stateful-inbound-mail-', { Ref: 'AWS::AccountId' }]] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })]) },
    });
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy')).map((p) => JSON.stringify(p.Properties));
    const ses = policies.find((p) => p.includes('ses.amazonaws.com'));
    expect(ses).toContain('"s3:PutObject"');
    expect(ses).toContain('aws:SourceAccount');
    expect(ses).toContain('receipt-rule-set/CaseRouting-mailtest-Stateless-mailbox:receipt-rule/*');
    expect(ses).toContain('/inbound/*');
  });

  it('one receipt rule for the address: scanned for spam and viruses, stored under inbound/, then the function invoked asynchronously', () => {
    stateless.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    stateless.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: 'CaseRouting-mailtest-Stateless-mailbox',
      Rule: {
        Recipients: ['chair@union.example.org'],
        ScanEnabled: true,
        Enabled: true,
        Actions: [{ S3Action: { ObjectKeyPrefix: 'inbound/', BucketName: Match.anyValue() } }, { LambdaAction: { InvocationType: 'Event', FunctionArn: Match.anyValue() } }],
      },
    });
    stateless.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'ses.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: Match.anyValue() });
  });

  it('the inbound-mail function reads only inbound/ of the raw-mail bucket, stores (never serves) files, and gets the mailbox address; so does the router', () => {
    const fnRoles = stateless.findResources('AWS::Lambda::Function');
    const inbound = Object.entries(fnRoles).find(([id]) => id.startsWith('InboundMailFunction'));
    expect(inbound).toBeDefined();
    const env = (inbound![1].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(env.MAILBOX_ADDRESS).toBe('chair@union.example.org');
    expect(env.INBOUND_MAIL_BUCKET).toBeDefined();
    const role = (inbound![1].Properties as { Role: { 'Fn::GetAtt': [string] } }).Role['Fn::GetAtt'][0];
    const statements = Object.values(stateless.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => (p.Properties as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }).PolicyDocument.Statement);
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [[s.Action].flat().sort(), JSON.stringify(s.Resource).match(/(attachments|inbound)\/\*/)?.[0]])).toEqual([
      [['s3:DeleteObject', 's3:PutObject'], 'attachments/*'],
      [['s3:GetObject'], 'inbound/*'],
    ]);
    const router = Object.entries(fnRoles).find(([id]) => id.startsWith('RouterFunction'));
    expect((router![1].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables.MAILBOX_ADDRESS).toBe('chair@union.example.org');
  });
});

describe('without a mailbox address', () => {
  it('there is no receiving: no rule set, no raw-mail bucket, no inbound-mail function', () => {
    const plain = buildApp({ stage: 'plain', appProps: { outdir: mkdtempSync(join(tmpdir(), 'cdk-plain-')), context } });
    const s = Template.fromStack(plain.stateless);
    s.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    expect(Object.keys(s.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('InboundMail'))).toBe(false);
    Template.fromStack(plain.stateful).resourceCountIs('AWS::S3::Bucket', 1);
  });

  it('a context value that is not an address stops the synthesis', () => {
    expect(() => buildApp({ appProps: { outdir, context: { ...context, mailboxAddress: 'not an address' } } })).toThrow(/mailboxAddress/);
  });
});
