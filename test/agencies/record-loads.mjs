// Registers a module hook that lists every module the process resolves (one file URL a line in LOADS_FILE).
import { register } from 'node:module';

register('./record-loads-hooks.mjs', import.meta.url, { data: { file: process.env.LOADS_FILE } });
