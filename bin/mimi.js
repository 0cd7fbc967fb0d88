#!/usr/bin/env node
import { guardOutput, runCli } from '../dist/cli/main.js';

guardOutput(); // `mimi … | head` ends quietly
process.exitCode = await runCli(process.argv.slice(2));
