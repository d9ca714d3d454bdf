/**
 * The synthesized cloud assembly, read as CloudFormation would: both stacks' templates, their
 * parameters, cross-stack exports, and each resource's physical name and attributes, with every
 * intrinsic the templates use resolved to the local stand-ins the suite started. Unknown
 * intrinsics or attributes throw: a template the suite cannot read fails it, never passes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REGION = 'ap-east-1';
export const ACCOUNT = '123456789012';

type Json = unknown;
export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
interface Template {
  Parameters?: Record<string, { Default?: string }>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

/** What a resource resolves to: `Ref` and its `Fn::GetAtt` attributes. */
export interface Physical {
  ref: string;
  attrs: Record<string, string>;
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface FunctionDefinition {
  logicalId: string;
  stack: string;
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  /** The folder of its built asset in the cloud assembly. */
  assetDir: string;
  environment: Record<string, string>;
  roleArn: string;
  statements: PolicyStatement[];
  timeoutSeconds: number;
  memoryMb: number;
}

const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

export class CloudAssembly {
  readonly stacks: Record<string, Template> = {};
  private readonly physical = new Map<string, Physical>();

  constructor(
    readonly dir: string,
    private readonly parameters: Record<string, string>,
    /** Overrides of physical values (queue URLs of the local engine, the user pool's id…), by `${stack}/${logicalId}`. */
    overrides: (assembly: CloudAssembly, stack: string, logicalId: string, resource: Resource) => Partial<Physical> | undefined = () => undefined,
  ) {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile: string } }> };
    for (const [name, artifact] of Object.entries(manifest.artifacts)) {
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties) continue;
      this.stacks[name] = JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8')) as Template;
    }
    for (const [stack, t] of Object.entries(this.stacks)) {
      for (const [id, r] of Object.entries(t.Resources)) {
        const base = this.defaultPhysical(stack, id, r);
        const o = overrides(this, stack, id, r);
        this.physical.set(`${stack}/${id}`, { ref: o?.ref ?? base.ref, attrs: { ...base.attrs, ...o?.attrs } });
      }
    }
  }

  resources(type: string): { stack: string; logicalId: string; resource: Resource }[] {
    return Object.entries(this.stacks).flatMap(([stack, t]) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([logicalId, resource]) => ({ stack, logicalId, resource })),
    );
  }

  /** A physical name for a resource CloudFormation would name itself: `<stack>-<logicalId>`, shortened as CloudFormation does. */
  private defaultPhysical(stack: string, id: string, r: Resource): Physical {
    const p = r.Properties ?? {};
    const generated = `${stack}-${id}`.slice(0, 64);
    const named = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : generated);
    switch (r.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': {
        const name = named('TableName');
        return { ref: name, attrs: { Arn: arn('dynamodb', `table/${name}`) } };
      }
      case 'AWS::SQS::Queue': {
        const name = named('QueueName');
        return { ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`, attrs: { Arn: arn('sqs', name), QueueName: name } };
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const name = named('Name');
        return { ref: name, attrs: { Arn: arn('scheduler', `schedule-group/${name}`) } };
      }
      case 'AWS::SES::ConfigurationSet':
        return { ref: named('Name'), attrs: {} };
      case 'AWS::IAM::Role': {
        const name = named('RoleName');
        return { ref: name, attrs: { Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleId: `AROA${id.toUpperCase().slice(0, 16)}` } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName');
        return { ref: name, attrs: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::Cognito::UserPool': {
        const poolId = `${REGION}_Local${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
        return { ref: poolId, attrs: { Arn: arn('cognito-idp', `userpool/${poolId}`), ProviderName: `cognito-idp.${REGION}.amazonaws.com/${poolId}`, ProviderURL: `https://cognito-idp.${REGION}.amazonaws.com/${poolId}` } };
      }
      case 'AWS::Cognito::UserPoolDomain':
        // Ref is the domain prefix itself (the template's `Domain`, a parameter or a name derived from one).
        return { ref: String(this.resolve(stack, p.Domain)), attrs: {} };
      case 'AWS::Cognito::UserPoolClient':
        return { ref: `local${id.replace(/[^A-Za-z0-9]/g, '').toLowerCase().slice(0, 20)}`, attrs: {} };
      case 'AWS::S3::Bucket': {
        // Bucket names are global and lower-case; a named bucket's name may be built from pseudo parameters.
        const name = p.BucketName === undefined ? generated.toLowerCase() : String(this.resolve(stack, p.BucketName));
        return { ref: name, attrs: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${REGION}.amazonaws.com` } };
      }
      case 'AWS::SNS::Topic':
        return { ref: arn('sns', generated), attrs: { TopicArn: arn('sns', generated) } };
      case 'AWS::Logs::LogGroup':
        return { ref: `/aws/${generated}`, attrs: { Arn: arn('logs', `log-group:/aws/${generated}:*`) } };
      case 'AWS::ApiGatewayV2::Api':
        return { ref: id.toLowerCase().slice(0, 10), attrs: { ApiEndpoint: `https://${id.toLowerCase().slice(0, 10)}.execute-api.${REGION}.amazonaws.com` } };
      default:
        return { ref: generated, attrs: {} };
    }
  }

  /** `Ref` of a resource, a parameter or a pseudo parameter, in a stack. */
  ref(stack: string, name: string): string {
    const pseudo: Record<string, string> = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': stack };
    if (name in pseudo) return pseudo[name] as string;
    const param = this.stacks[stack]?.Parameters?.[name];
    if (param) {
      const value = this.parameters[name] ?? param.Default;
      if (value === undefined) throw new Error(`parameter ${name} of ${stack} has no value and no default`);
      return value;
    }
    const p = this.physical.get(`${stack}/${name}`);
    if (!p) throw new Error(`Ref ${name}: no such resource or parameter in ${stack}`);
    // An SES identity's Ref is the identity itself (the address or domain), which may be a parameter.
    const r = this.stacks[stack]?.Resources[name];
    if (r?.Type === 'AWS::SES::EmailIdentity') return String(this.resolve(stack, r.Properties?.EmailIdentity));
    return p.ref;
  }

  getAtt(stack: string, id: string, attr: string): string {
    const value = this.physical.get(`${stack}/${id}`)?.attrs[attr];
    if (value === undefined) throw new Error(`Fn::GetAtt ${id}.${attr} in ${stack}: not known to the suite`);
    return value;
  }

  /** Every intrinsic function the templates use, evaluated; anything else throws. */
  resolve(stack: string, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (!value || typeof value !== 'object') return value;
    const o = value as Record<string, Json>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const [k] = keys as [string];
      const arg = o[k];
      const str = (v: Json) => String(this.resolve(stack, v));
      switch (k) {
        case 'Ref':
          return this.ref(stack, arg as string);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.+)/);
          return this.getAtt(stack, id as string, attr as string);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, Json[]];
          return (this.resolve(stack, parts) as Json[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [i, list] = arg as [Json, Json];
          return (this.resolve(stack, list) as Json[])[Number(this.resolve(stack, i))];
        }
        case 'Fn::Split': {
          const [sep, s] = arg as [string, Json];
          return str(s).split(sep);
        }
        case 'Fn::Sub': {
          const [tpl, vars] = Array.isArray(arg) ? (arg as [string, Record<string, Json>]) : [arg as string, {}];
          return tpl.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in vars) return str(vars[name]);
            const [id, attr] = name.split(/\.(.+)/);
            return attr ? this.getAtt(stack, id as string, attr) : this.ref(stack, name);
          });
        }
        case 'Fn::ImportValue':
          return this.importValue(str(arg));
        case 'Fn::If': {
          const [cond, yes, no] = arg as [string, Json, Json];
          return this.resolve(stack, this.condition(stack, cond) ? yes : no);
        }
        case 'Fn::Equals':
        case 'Fn::Not':
        case 'Fn::And':
        case 'Fn::Or':
        case 'Condition':
          return this.evaluate(stack, o);
        default:
          if (k.startsWith('Fn::')) throw new Error(`intrinsic ${k} is not supported by the suite`);
      }
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  private condition(stack: string, name: string): boolean {
    const c = this.stacks[stack]?.Conditions?.[name];
    if (c === undefined) throw new Error(`condition ${name} not in ${stack}`);
    return this.evaluate(stack, c);
  }

  private evaluate(stack: string, c: Json): boolean {
    const [k, arg] = Object.entries(c as Record<string, Json>)[0] ?? [];
    switch (k) {
      case 'Fn::Equals': {
        const [a, b] = arg as [Json, Json];
        return JSON.stringify(this.resolve(stack, a)) === JSON.stringify(this.resolve(stack, b));
      }
      case 'Fn::Not':
        return !this.evaluate(stack, (arg as Json[])[0]);
      case 'Fn::And':
        return (arg as Json[]).every((x) => this.evaluate(stack, x));
      case 'Fn::Or':
        return (arg as Json[]).some((x) => this.evaluate(stack, x));
      case 'Condition':
        return this.condition(stack, arg as string);
      default:
        throw new Error(`condition ${String(k)} is not supported by the suite`);
    }
  }

  private importValue(name: string): string {
    for (const [stack, t] of Object.entries(this.stacks)) {
      for (const out of Object.values(t.Outputs ?? {})) {
        if (out.Export && this.resolve(stack, out.Export.Name) === name) return String(this.resolve(stack, out.Value));
      }
    }
    throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
  }

  /** A Lambda function as the template defines it, with its role's policy statements. */
  lambda(logicalIdPrefix: string): FunctionDefinition {
    const found = this.resources('AWS::Lambda::Function').filter((f) => f.logicalId.startsWith(logicalIdPrefix));
    if (found.length !== 1) throw new Error(`expected one function ${logicalIdPrefix}*, found ${found.length}`);
    const [{ stack, logicalId, resource }] = found as [{ stack: string; logicalId: string; resource: Resource }];
    const p = resource.Properties ?? {};
    const code = p.Code as { S3Key: string };
    const hash = /^([0-9a-f]{64})\.zip$/.exec(code.S3Key)?.[1];
    if (!hash) throw new Error(`${logicalId}: Code.S3Key ${code.S3Key} is not an asset hash`);
    const roleRef = (p.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = this.resources('AWS::IAM::Policy')
      .filter((x) => x.stack === stack && ((x.resource.Properties?.Roles as { Ref: string }[]) ?? []).some((r) => r.Ref === roleRef))
      .flatMap((x) => (this.resolve(stack, (x.resource.Properties?.PolicyDocument as { Statement: Json[] }).Statement) as Record<string, Json>[]))
      .map((s) => ({ Effect: s.Effect as 'Allow', Action: [s.Action].flat() as string[], Resource: [s.Resource].flat() as string[] }));
    return {
      logicalId,
      stack,
      name: this.ref(stack, logicalId),
      arn: this.getAtt(stack, logicalId, 'Arn'),
      handler: p.Handler as string,
      runtime: p.Runtime as string,
      assetDir: join(this.dir, `asset.${hash}`),
      environment: this.resolve(stack, (p.Environment as { Variables: Record<string, Json> }).Variables) as Record<string, string>,
      roleArn: this.getAtt(stack, roleRef, 'Arn'),
      statements,
      timeoutSeconds: p.Timeout as number,
      memoryMb: p.MemorySize as number,
    };
  }
}

/** Does an IAM pattern (with * and ?) match a value? */
export function iamMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** Is `action` on `resource` allowed by these statements (and not denied)? */
export function allowed(statements: PolicyStatement[], action: string, resource: string): boolean {
  const hits = statements.filter((s) => s.Action.some((a) => iamMatch(a, action)) && s.Resource.some((r) => iamMatch(r, resource)));
  return hits.some((s) => s.Effect === 'Allow') && !hits.some((s) => s.Effect === 'Deny');
}
