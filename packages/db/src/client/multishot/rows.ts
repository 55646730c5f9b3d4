import { agents, credentials, outputLogs, rounds, runs } from '@agentstate/schema/multishot';
import { rowDecoder, rowEncoder } from '../shared/row-codec.ts';
import {
  agentInsertKeys,
  credentialInsertKeys,
  outputLogInsertKeys,
  roundInsertKeys,
  runInsertKeys,
} from './statements.ts';

/**
 * The multishot tables' row codecs, compiled from their Drizzle columns (row-codec.ts): SQL rows
 * (snake_case, Unix milliseconds) to typed rows, and typed values to each insert's parameters.
 */

export const toRun = rowDecoder(runs);
export const toRound = rowDecoder(rounds);
export const toAgent = rowDecoder(agents);
export const toOutputLog = rowDecoder(outputLogs);

export const encodeRun = rowEncoder(runs, runInsertKeys);
export const encodeRound = rowEncoder(rounds, roundInsertKeys);
export const encodeAgent = rowEncoder(agents, agentInsertKeys);
export const encodeOutputLog = rowEncoder(outputLogs, outputLogInsertKeys);
export const encodeCredential = rowEncoder(credentials, credentialInsertKeys);
