#!/usr/bin/env node
// The `borderwatch` command (package.json "bin"): the CLI is TypeScript, run through tsx, which
// `npm install` brings with this repository.
import { register } from 'tsx/esm/api';

register();
await import('./borderwatch.ts');
