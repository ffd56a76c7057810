#!/usr/bin/env node
// The `kaspi-bot` command. The TypeScript sources run through tsx's loader in development and in the Docker
// image alike (see README, "Why tsx at run time"), so there is no separate build output to drift.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
