// POST /api/playground/preview: the call the chat route would make for a body, without making
// it — the key's shaped headers, the shaping's changes and "Copy as curl" — for the page's
// inspect view. The page's module leaves out shapeChatBody and curlCommand (it is downloaded
// by every browser); the relay's core has them. The same pipeline as the chat route (body
// read within the upload budget, checked and shaped by the core, the model looked up, the
// call planned), then the answer is the shaped call instead of the provider's. One log line
// per call, never the body.
import { performance } from 'node:perf_hooks';
import { RelayError } from './errors.js';
import { publicCall } from './upstream-headers.js';
import { sendError, sendJson } from './responses.js';
import { openForModel } from './routes-chat.js';
import { keySecrets } from './call-plans.js';
import { PER_CALL } from '../web/contract.js';

/**
 * @param {{ source, settings, log: Function, logInternal: Function, uploads: import('./request-body.js').UploadBudget, checker: import('./request-checker.js').RequestChecker, plans: ReturnType<typeof import('./call-plans.js').callPlans> }} deps
 * → preview(req, res, user)
 */
export function previewRoute({ source, settings, log, logInternal, uploads, checker, plans }) {
  const { planFor, redactError } = plans;

  // Not counted against the per-user limit on calls at once: that limit bounds the provider
  // calls a user holds open (for minutes), and a preview holds nothing past its own read and
  // check (no provider, milliseconds). Counting it would refuse the inspect view of a user
  // whose runs fill the limit (Check all does). The bytes it reads are bounded like a chat
  // call's: the request size cap and the replica's upload budget (readBody), and a large body
  // is checked, and its command made, on the request-check worker, where large bodies wait for
  // each other.
  async function preview(req, res, user) {
    const t0 = performance.now();
    const entry = { msg: 'preview', user: user.subject, model: null, status: 0, kind: null };
    let request = null;
    try {
      const opened = await openForModel({ req, settings, uploads, checker, source }, entry);
      request = opened.request;
      const { snap, model, key, shaping } = opened;

      // The call as the model list shows it (the key as ***: publicCall of the same cached
      // plan); curl writes $PROVIDER_KEY in the key's place (core.curlCommand). Planned first:
      // a model whose call cannot be planned has nothing to preview.
      const call = publicCall(planFor(snap, model, key, shaping));
      if (!call.ok) throw new RelayError('config', `the model's base URL cannot be used: ${call.error}`, { field: 'api_base', reason: 'bad_base_url', detail: call.error });
      // Redacted with the key's secrets, as the model list's call plan is (routes-models.js).
      const secrets = keySecrets(key);
      // Checked and shaped by the same core rules as a chat call's body, with the model's
      // *public* shaping (the model list's: credential-like default headers and body fields as
      // ***), so the preview is what the page showed when it shaped the body itself and never
      // holds a header secret; the request id is a placeholder (each call has its own). Where
      // the check runs (a large body: on the worker), with the command and its redaction.
      const reply = await request.preview({ model_name: model.model_name, provider: model.provider, shaping: model.gateway?.shaping ?? null, requestId: PER_CALL }, call, secrets);
      if (!reply.ok) throw new RelayError('invalid_request', 'the request body is not valid', { errors: reply.errors });
      entry.status = 200;
      sendJson(res, 200, reply);
    } catch (err) {
      const error = err instanceof RelayError ? err : new RelayError('internal', 'the relay failed unexpectedly');
      if (!(err instanceof RelayError)) logInternal(err);
      entry.status = error.status;
      entry.kind = error.kind;
      sendError(req, res, redactError(error, source.snapshot()));
    } finally {
      request?.discard();
      log({ ...entry, ms: Math.round((performance.now() - t0) * 100) / 100 });
    }
  }

  return preview;
}
