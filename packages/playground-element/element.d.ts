// Types of <model-playground> for a console that embeds it (docs/embedding.md). The core's
// own types are in ./core.d.ts (import from '@model-playground/element/core').
import type { ConditionKind, StepCode } from './core.js';

export type RunKind = 'send' | 'retry' | 'edit' | 'probe';
export type PaneVerdict = 'pass' | 'warn' | 'fail' | 'stopped' | null;

export interface PaneOutcome {
  pane: number;
  /** the model's id in the relay's model list */
  model: string | null;
  displayName: string | null;
  /** the core's Diagnosis.verdict, or 'stopped' when the user stopped the run */
  verdict: PaneVerdict;
  failedStep: 'reach' | 'endpoint' | 'key' | 'model' | 'answer' | null;
  code: StepCode | null;
  conditions: ConditionKind[];
  /** for people; may be reworded at any time — decide from the codes */
  summary: string;
}

export interface RunFinishedDetail {
  kind: RunKind;
  /** 'fail' when a pane failed, else 'stopped', else 'warn', else 'pass' */
  verdict: PaneVerdict;
  panes: PaneOutcome[];
}

export interface ModelChangedDetail { pane: number; model: string }

export declare class ModelPlayground extends HTMLElement {
  /** the relay's API root, from the `api-base` attribute (default '/api/playground') */
  readonly apiBase: string;
}

declare global {
  interface HTMLElementTagNameMap { 'model-playground': ModelPlayground }
  interface HTMLElementEventMap {
    'run-finished': CustomEvent<RunFinishedDetail>;
    'model-changed': CustomEvent<ModelChangedDetail>;
  }
}
