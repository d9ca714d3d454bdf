/**
 * CDK entry point (see cdk.json). Run by the CDK CLI, or directly with `npx tsx infra/app.ts`,
 * which writes ./cdk.out (or $CDK_OUTDIR when the CLI sets it).
 */
import { buildApp } from './app-builder';

const { app } = buildApp({
  appProps: { outdir: process.env.CDK_OUTDIR ?? 'cdk.out' },
});

// The CLI would auto-synthesise on exit; synthesising explicitly also makes `tsx infra/app.ts` work.
app.synth();
