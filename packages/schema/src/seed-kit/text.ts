import type { Random } from './random.ts';

/** Word lists for text that reads like the tools' data (prompts, logs, notes), not lorem ipsum. */
const verbs = [
  'add',
  'fix',
  'refactor',
  'test',
  'review',
  'document',
  'update',
  'remove',
  'rename',
  'optimize',
  'debug',
  'migrate',
  'check',
  'summarize',
  'draft',
  'schedule',
];
const nouns = [
  'login form',
  'API client',
  'database schema',
  'retry logic',
  'search page',
  'README',
  'CI pipeline',
  'payment flow',
  'settings screen',
  'error handling',
  'cache layer',
  'unit tests',
  'release notes',
  'onboarding email',
  'dashboard',
  'auth middleware',
  'invoice export',
  'rate limiter',
];
const words = [
  'the',
  'a',
  'with',
  'for',
  'and',
  'then',
  'after',
  'before',
  'using',
  'in',
  'on',
  'component',
  'function',
  'request',
  'response',
  'value',
  'user',
  'file',
  'error',
  'result',
  'step',
  'page',
  'button',
  'field',
  'query',
  'table',
  'job',
  'session',
  'message',
  'token',
  'config',
  'route',
  'handler',
  'state',
  'event',
  'output',
  'input',
  'timeout',
  'status',
  'list',
  'item',
  'update',
  'check',
  'run',
  'build',
  'deploy',
  'log',
  'trace',
  'metric',
];
export const firstNames = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Alan',
  'Barbara',
  'Ken',
  'Frances',
  'Dennis',
  'Radia',
  'Guido',
  'Hedy',
  'Tim',
  'Katherine',
  'Edsger',
  'Sophie',
  'Yukihiro',
  'Anita',
];
export const lastNames = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Turing',
  'Liskov',
  'Thompson',
  'Allen',
  'Ritchie',
  'Perlman',
  'van Rossum',
  'Lamarr',
  'Berners-Lee',
  'Johnson',
  'Dijkstra',
  'Wilson',
  'Matsumoto',
  'Borg',
];
export const sites = [
  'github.com',
  'linear.app',
  'notion.so',
  'stripe.com',
  'shop.example.com',
  'mail.example.org',
  'crm.example.net',
  'jira.example.com',
];
export const projects = [
  'web-app',
  'api-server',
  'mobile',
  'infra',
  'docs-site',
  'cli',
  'billing',
  'data-pipeline',
];
export const models = ['claude-sonnet-4', 'claude-opus-4', 'gpt-5', 'gpt-4.1-mini'];
export const tools = ['Read', 'Edit', 'Bash', 'Grep', 'Glob', 'WebFetch', 'Write'];

export function task(r: Random): string {
  return `${r.pick(verbs)} the ${r.pick(nouns)}`;
}

/** A sentence of `min`–`max` words, starting with a task. */
export function sentence(r: Random, min: number, max: number): string {
  const parts = [task(r)];
  const n = r.int(min, max);
  for (let i = 0; i < n; i++) parts.push(r.pick(words));
  const text = parts.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function paragraph(r: Random, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r, 4, 14));
  return out.join(' ');
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
