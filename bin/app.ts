import { App } from 'aws-cdk-lib';
import { ConfigError } from '../functions/sources/config';
import { buildApp } from '../lib/app';
import { ContextError } from '../lib/config';

const app = new App();
try {
  buildApp(app);
} catch (error) {
  // Configuration mistakes are the user's to fix: show the message, not a stack trace.
  if (error instanceof ConfigError || error instanceof ContextError) {
    console.error(`borderwatch: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
app.synth();
