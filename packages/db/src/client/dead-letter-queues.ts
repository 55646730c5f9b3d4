import { createEngineDeadLetters } from './engine/dead-letters.ts';
import { engineQueueTable } from './engine/queue.ts';
import { createPokecodeDeadLetters } from './pokecode/dead-letters.ts';
import { pokecodeQueueTable } from './pokecode/queue.ts';

/** The databases whose leased queue keeps dead letters: each with its table and its reader. */
export const deadLetterQueues = [
  { ...pokecodeQueueTable, deadLetters: createPokecodeDeadLetters },
  { ...engineQueueTable, deadLetters: createEngineDeadLetters },
] as const;
