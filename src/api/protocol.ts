/**
 * Messages between a page and its engine worker. A page has one worker; each
 * cell starts jobs on it and gets a stream of progress events back.
 */
// Type-only: the backend's names and report are defined next to the code that picks the backend.
import type { BackendInfo, BackendName } from '../engine/backend';

export type { BackendInfo, BackendName };

export type JobControl = 'pause' | 'resume' | 'stop';

export type ToWorker =
  | { type: 'init'; prefer?: BackendName; base: string }
  | { type: 'start'; id: number; job: string; params: unknown }
  | { type: 'control'; id: number; action: JobControl };

export type FromWorker =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'init-error'; message: string }
  | { type: 'progress'; id: number; data: unknown }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; name: string };
