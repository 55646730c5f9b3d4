import * as engine from './schema.ts';
import {
  allocate,
  type DatabaseSeeder,
  DAY,
  firstNames,
  HOUR,
  itemAt,
  lastNames,
  MINUTE,
  paragraph,
  sentence,
  spread,
  task,
} from '../seed-kit/recipe.ts';

const {
  contactTags,
  contacts,
  conversationNotifications,
  missions,
  pings,
  priorities,
  scheduledMissions,
  sessions,
  stagedContent,
  workers,
} = engine;
type Table =
  | 'sessions'
  | 'workers'
  | 'pings'
  | 'priorities'
  | 'contacts'
  | 'contact_tags'
  | 'scheduled_missions'
  | 'missions'
  | 'conversation_notifications'
  | 'staged_content';

const tags = [
  'client',
  'family',
  'friend',
  'investor',
  'recruiter',
  'claude_direct',
  'vendor',
  'mentor',
];
const roles = ['chief', 'builder', 'deep-work', 'project', 'idea'] as const;
const primitives = ['research', 'analyze', 'organize', 'draft', 'summarize', 'monitor'];
/** Phone numbers are +1 and ten digits: this plus a 32-bit number. */
const PHONE_BASE = 1_000_000_000;

/** A personal assistant's system database: sessions, their workers and pings, plans and contacts. */
export const engineSeeder: DatabaseSeeder<Table> = {
  plan: (total) =>
    allocate<Table>(
      total,
      {
        sessions: 10,
        workers: 20,
        pings: 5,
        priorities: 10,
        contacts: 5,
        contact_tags: 8,
        scheduled_missions: 0.5,
        missions: 15,
        conversation_notifications: 10,
        staged_content: 3,
      },
      {
        pings: 'sessions',
        contact_tags: 'contacts',
        missions: 'scheduled_missions',
        conversation_notifications: 'workers',
      },
    ),

  run(ctx, counts) {
    // Keys, made before any row is written; references to a row use its table's key function.
    const sessionId = ctx.hexKey('session', sessions.id);
    const workerId = ctx.hexKey('worker', [workers.id, conversationNotifications.entityId]);
    const dedupeHash = ctx.hexKey('dedupe', workers.dedupeHash, 16);
    const pingId = ctx.hexKey('ping', pings.id);
    const priorityId = ctx.hexKey('priority', priorities.id);
    const contactId = ctx.hexKey('contact', [contacts.id, contactTags.contactId]);
    const phone = ctx.numberKey('phone', contacts.phone, (stored) =>
      typeof stored === 'string' && /^\+1\d{10}$/.test(stored)
        ? Number(stored.slice(2)) - PHONE_BASE
        : undefined,
    );
    const scheduledMissionId = ctx.hexKey('scheduled-mission', [
      scheduledMissions.id,
      missions.missionId,
    ]);
    const firstSlugNumber = ctx.firstFreeNumber(scheduledMissions.slug);
    const missionRunId = ctx.hexKey('mission-run', missions.id);
    const notificationId = ctx.hexKey('notification', conversationNotifications.id);
    const stagedId = ctx.hexKey('staged', stagedContent.id);
    const sessionStart = (i: number) =>
      ctx.ago(DAY * 60 * ctx.unit('session-start', i) + HOUR).getTime();
    const sessionRole = (i: number) =>
      ctx.unit('session-role', i) < 0.4 ? 'chief' : itemAt(roles, 1 + (i % 4));
    const conversation = (i: number) =>
      sessionRole(i) === 'chief'
        ? `chief-${new Date(sessionStart(i)).toISOString().slice(0, 10)}`
        : `${sessionRole(i)}-${ctx.hex('conversation', i)}`;
    const iso = (ms: number) => new Date(ms);

    const s = ctx.random('sessions');
    ctx.insert(sessions, counts.sessions, (i) => {
      const start = sessionStart(i);
      const active = ctx.unit('session-active', i) < 0.05;
      return {
        id: sessionId(i),
        claudeSessionId: ctx.hex('claude-session', i, 32),
        conversationId: conversation(i),
        role: sessionRole(i),
        mode: s.weighted(['interactive', 'background', 'autonomous'] as const, [60, 30, 10]),
        currentState: active ? s.pick(['active', 'tool_active', 'idle'] as const) : 'idle',
        statusText: active ? sentence(s, 1, 5) : null,
        contextWarningLevel: s.weighted([0, 50, 70, 90], [60, 20, 12, 8]),
        tmuxWindow: `life:${i % 9}`,
        tmuxPane: `%${i % 40}`,
        startedAt: iso(start),
        endedAt: active ? null : iso(start + s.int(5, 300) * MINUTE),
        endReason: active
          ? null
          : s.weighted(['exit', 'timeout', 'crash', 'orphan_cleanup'], [80, 10, 5, 5]),
      };
    });

    const w = ctx.random('workers');
    const workerSession = (i: number) =>
      counts.sessions > 0 ? Math.floor(ctx.unit('worker-session', i) * counts.sessions) : -1;
    const workerCreated = (i: number) =>
      (workerSession(i) >= 0 ? sessionStart(workerSession(i)) : ctx.ago(DAY * 30).getTime()) +
      (i % 50) * MINUTE;
    ctx.insert(workers, counts.workers, (i) => {
      const status = w.weighted(
        ['pending', 'running', 'complete', 'failed', 'cancelled'] as const,
        [5, 3, 80, 8, 4],
      );
      const created = workerCreated(i);
      const started = status === 'pending' ? null : created + w.int(1, 120) * 1000;
      const finished = status === 'complete' || status === 'failed' || status === 'cancelled';
      return {
        id: workerId(i),
        sessionId: workerSession(i) >= 0 ? sessionId(workerSession(i)) : null,
        primitive: w.pick(primitives),
        status,
        instructions: paragraph(w, w.int(1, 3)),
        workspacePath: `Desktop/workers/${workerId(i)}`,
        priority: w.int(0, 3),
        retryCount: status === 'failed' ? 3 : w.chance(0.05) ? 1 : 0,
        maxRetries: 3,
        executeAt:
          status === 'pending' && w.chance(0.5) ? iso(ctx.now + w.int(1, 48) * HOUR) : null,
        retryAt: null,
        // Only work still queued keeps its hash: finished work may be scheduled again.
        dedupeHash: status === 'pending' ? dedupeHash(i) : null,
        lastError:
          status === 'failed'
            ? w.pick(['Timed out after 30 minutes', 'Claude exited with code 1'])
            : status === 'cancelled'
              ? 'Task cancelled by user'
              : null,
        createdAt: iso(created),
        updatedAt: iso(started ?? created),
        startedAt: started === null ? null : iso(started),
        completedAt: finished && started !== null ? iso(started + w.int(1, 30) * MINUTE) : null,
        leaseOwner: status === 'running' ? `engine-${i % 3}` : null,
        leaseToken: status === 'running' ? ctx.hex('lease', i, 16) : null,
        leaseExpiresAt:
          status === 'running' && started !== null ? iso(started + 10 * MINUTE) : null,
      };
    });

    const p = ctx.random('pings');
    const pingsPerSession = spread(counts.pings, counts.sessions, ctx.seed, 'pings');
    ctx.insertChildren(pings, pingsPerSession, (session, k, i) => {
      const created = sessionStart(session) + (k + 1) * 3 * MINUTE;
      return {
        id: pingId(i),
        sessionId: sessionId(session),
        message: sentence(p, 2, 12),
        createdAt: iso(created),
        acknowledgedAt: p.chance(0.85) ? iso(created + p.int(1, 120) * MINUTE) : null,
      };
    });

    const r = ctx.random('priorities');
    ctx.insert(priorities, counts.priorities, (i) => {
      const day = Math.floor(i / 12);
      const created = ctx.now - day * DAY - r.int(1, 10) * HOUR;
      const done = r.chance(day === 0 ? 0.3 : 0.8);
      return {
        id: priorityId(i),
        content: task(r),
        level: r.weighted(['critical', 'high', 'medium', 'low'] as const, [10, 25, 45, 20]),
        pool: r.chance(0.85) ? 'main' : 'someday',
        date: r.chance(0.9) ? new Date(ctx.now - day * DAY).toISOString().slice(0, 10) : null,
        position: i % 12,
        completedAt: done ? iso(created + r.int(1, 8) * HOUR) : null,
        createdAt: iso(created),
        updatedAt: iso(created),
      };
    });

    const c = ctx.random('contacts');
    ctx.insert(contacts, counts.contacts, (i) => {
      const first = c.pick(firstNames);
      const last = c.pick(lastNames);
      return {
        id: contactId(i),
        name: `${first} ${last}`,
        email: c.chance(0.7) ? `${first.toLowerCase()}.${i}@example.com` : null,
        phone: c.chance(0.8) ? `+1${PHONE_BASE + phone(i)}` : null,
        notes: c.chance(0.4) ? sentence(c, 3, 15) : null,
        createdAt: ctx.ago(DAY * c.int(1, 700)),
      };
    });

    const tagsPerContact = spread(
      counts.contact_tags,
      counts.contacts,
      ctx.seed,
      'contact-tags',
      tags.length,
    );
    ctx.insertChildren(contactTags, tagsPerContact, (contact, k) => ({
      contactId: contactId(contact),
      tag: itemAt(tags, (contact + k) % tags.length),
    }));

    const m = ctx.random('scheduled-missions');
    // Unnumbered for the first five of a new database; numbered past every stored one when appending.
    const missionSlug = (i: number) => {
      const name = [
        'morning-brief',
        'inbox-triage',
        'weekly-review',
        'backup-check',
        'news-digest',
      ][i % 5];
      return ctx.append ? `${name}-${firstSlugNumber + i}` : `${name}${i >= 5 ? `-${i}` : ''}`;
    };
    ctx.insert(scheduledMissions, counts.scheduled_missions, (i) => {
      const type = m.weighted(['time', 'cron', 'relative'] as const, [60, 30, 10]);
      return {
        id: scheduledMissionId(i),
        name: missionSlug(i).replace(/-/g, ' '),
        slug: missionSlug(i),
        description: sentence(m, 3, 10),
        promptType: i % 3 === 0 ? 'inline' : 'file',
        prompt: i % 3 === 0 ? paragraph(m, 2) : `.engine/missions/${missionSlug(i)}.md`,
        scheduleType: type,
        scheduleCron: type === 'cron' ? `0 ${m.int(6, 22)} * * *` : null,
        scheduleTime:
          type === 'time'
            ? `${String(m.int(6, 22)).padStart(2, '0')}:${m.pick(['00', '15', '30', '45'])}`
            : null,
        scheduleDays: type === 'time' ? (m.chance(0.5) ? [] : ['mon', 'wed', 'fri']) : null,
        timeoutMinutes: m.pick([15, 30, 60, 120]),
        role: m.pick(['builder', 'deep-work', null]),
        enabled: m.chance(0.85),
        nextRun: ctx.ago(-m.int(1, 24) * HOUR),
        lastRun: ctx.ago(m.int(1, 24) * HOUR),
        lastStatus: m.weighted(['completed', 'failed', 'timeout'] as const, [85, 10, 5]),
        createdAt: ctx.ago(120 * DAY),
        updatedAt: ctx.ago(DAY),
      };
    });

    const x = ctx.random('missions');
    const runsPerMission = spread(
      counts.missions,
      counts.scheduled_missions,
      ctx.seed,
      'mission-runs',
    );
    ctx.insertChildren(missions, runsPerMission, (mission, k, i) => {
      const started = ctx.now - (k + 1) * DAY + x.int(0, 60) * MINUTE;
      const status =
        k === 0 && x.chance(0.1)
          ? 'running'
          : x.weighted(['completed', 'failed', 'timeout', 'cancelled'] as const, [85, 8, 4, 3]);
      const seconds = x.int(30, 3000);
      return {
        id: missionRunId(i),
        missionId: scheduledMissionId(mission),
        startedAt: iso(started),
        endedAt: status === 'running' ? null : iso(started + seconds * 1000),
        status,
        sessionId: counts.sessions > 0 && x.chance(0.7) ? sessionId(i % counts.sessions) : null,
        transcriptPath: `.engine/data/transcripts/${ctx.hex('transcript', i)}.jsonl`,
        outputSummary: status === 'completed' ? sentence(x, 4, 16) : null,
        errorMessage:
          status === 'failed'
            ? 'Claude exited with code 1'
            : status === 'timeout'
              ? 'Timed out'
              : null,
        durationSeconds: status === 'running' ? null : seconds,
      };
    });

    const n = ctx.random('notifications');
    // One notification per finished worker, told to the conversation that spawned it.
    const notified = spread(
      counts.conversation_notifications,
      counts.workers,
      ctx.seed,
      'notifications',
      3,
    );
    const notificationTypes = ['worker_complete', 'worker_failed', 'context_warning'] as const;
    ctx.insertChildren(conversationNotifications, notified, (worker, k, i) => {
      const session = workerSession(worker);
      return {
        id: notificationId(i),
        conversationId:
          session >= 0
            ? conversation(session)
            : `chief-${new Date(ctx.now).toISOString().slice(0, 10)}`,
        notificationType: itemAt(notificationTypes, k),
        entityId: workerId(worker),
        notifiedAt: iso(workerCreated(worker) + (k + 1) * 20 * MINUTE + n.int(0, 59) * 1000),
        sessionId: session >= 0 ? sessionId(session) : null,
      };
    });

    const g = ctx.random('staged-content');
    ctx.insert(stagedContent, counts.staged_content, (i) => {
      const created = ctx.ago(g.int(1, 30 * 24) * HOUR).getTime();
      const status = g.weighted(['staged', 'displayed', 'dismissed'] as const, [30, 40, 30]);
      return {
        id: stagedId(i),
        title: task(g),
        contentType: g.pick(['markdown', 'html', 'text', 'json'] as const),
        content: paragraph(g, g.int(1, 4)),
        status,
        position: i % 20,
        sessionId: counts.sessions > 0 && g.chance(0.6) ? sessionId(i % counts.sessions) : null,
        workerId: counts.workers > 0 && g.chance(0.4) ? workerId(i % counts.workers) : null,
        createdAt: iso(created),
        updatedAt: iso(created),
        displayedAt: status === 'staged' ? null : iso(created + HOUR),
        expiresAt: g.chance(0.3) ? iso(created + 7 * DAY) : null,
      };
    });
  },
};
