#!/usr/bin/env node
import { runProgram } from './program.js';

// rune-directory: serve, run workers, and operate the directory from the shell (see program.ts).

// Exits when the command is done: a closed connection or a timer left by a library must not
// keep a finished command waiting.
runProgram(process.argv).then((code) => process.exit(code));
