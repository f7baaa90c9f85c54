// Types for web/core.js: the playground core (C++ → WebAssembly). See docs/contracts.md.

export declare class CoreError extends Error {
  constructor(code: string, message: string);
  readonly code: string;
  /** sseDecoder only: events dispatched before the limit was passed. */
  readonly events?: SseEvent[];
}

/** src/core/finding.h's closed list: what programs read. `message` is for people and may change. */
export type FindingCode =
  | 'not_json' | 'not_object' | 'event_stream_body' | 'stream_empty' | 'stream_cut_mid_event' | 'stream_cut'
  | 'stream_ended_without_done' | 'stream_undecodable' | 'data_after_done' | 'invalid_utf8' | 'provider_error'
  | 'anthropic_native' | 'relay_event_malformed' | 'done_marker_unexpected'
  | 'object_missing' | 'object_wrong' | 'object_completion_in_stream' | 'id_missing' | 'id_changed' | 'created_missing'
  | 'model_missing' | 'choices_invalid' | 'choices_empty' | 'multiple_choices' | 'choice_not_object'
  | 'choice_index_missing'
  | 'message_missing' | 'message_filtered' | 'delta_not_object' | 'role_unexpected' | 'content_invalid'
  | 'content_missing' | 'content_parts' | 'content_part_ignored' | 'refusal' | 'empty_answer'
  | 'finish_reason_missing' | 'finish_reason_invalid' | 'finish_reason_unknown'
  | 'finish_reason_tool_calls_without_calls' | 'truncated' | 'content_filtered' | 'finish_reason_error'
  | 'usage_missing' | 'usage_invalid' | 'usage_in_x_groq' | 'usage_field_missing' | 'usage_field_invalid'
  | 'usage_total_mismatch'
  | 'tool_calls_invalid' | 'tool_call_not_object' | 'tool_call_no_function' | 'tool_call_bad_index'
  | 'tool_call_index_missing' | 'tool_call_index_reused' | 'tool_call_too_many' | 'tool_call_id_missing'
  | 'tool_call_type_unexpected' | 'tool_call_name_missing' | 'tool_call_arguments_object'
  | 'tool_call_arguments_invalid' | 'tool_call_arguments_not_json'
  | 'function_call_legacy' | 'function_call_not_object' | 'function_call_name_missing'
  | 'function_call_arguments_invalid' | 'function_call_arguments_not_json'
  | 'system_message_unsupported' | 'last_message_not_user' | 'value_capped' | 'parameter_renamed'
  | 'parameter_may_be_rejected' | 'parameter_ignored' | 'json_not_mentioned' | 'image_format_mismatch';

export interface Finding { severity: 'error' | 'warning'; code: FindingCode; path: string; message: string }
export interface FieldError { field: string; message: string }

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  reasoning_tokens?: number;
  cached_tokens?: number;
}

export interface Result {
  ok: boolean;
  content: string;
  reasoning: string;
  toolCalls: object[];
  /** The legacy `function_call` answer (the form before tool_calls), or null. */
  functionCall: { name: string; arguments: string } | null;
  finishReason: string | null;
  usage: Usage | null;
  model: string | null;
  /** A stream ended with `data: [DONE]`. */
  done: boolean;
  /**
   * The stream's last well-formed `event: relay_error` before `[DONE]` (null when none; always
   * null for a whole body). Anyone can send an event by that name: it is the relay's own only
   * when `nonce` equals the response's `x-playground-relay-nonce` header, which diagnose() checks.
   */
  relayEvent: RelayEvent | null;
  /** The first error the provider sent where the answer should be (a 2xx error body, or an error event in a stream). */
  providerError: (ProviderError & { midStream: boolean }) | null;
  findings: Finding[];
  /** diagnose() input only: the whole content's size in UTF-8 bytes when `content` is an excerpt. */
  contentLength?: number;
  /** The same for `reasoning`. */
  reasoningLength?: number;
}

/** `event: relay_error` data, `{"error":{"source":"relay",…}}`, read: strings, bounded, "" when absent. */
export interface RelayEvent {
  kind: string;
  message: string;
  phase: string;
  reason: string;
  /** base64url, at most 64 characters; "" when the event had none (or not one of that form). */
  nonce: string;
}

export interface Delta {
  content?: string;
  reasoning?: string;
  toolCalls?: object[];
  finishReason?: string;
  usage?: Usage;
  error?: { type?: string; code?: string | null; message: string };
}

export interface Parameter { key: string; kind: 'number' | 'integer' | 'stop' | 'response_format' | 'reasoning_effort'; min?: number; max?: number }

export interface SseEvent { event: string; data: string; id: string | null; retry: number | null }

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } }>;
}

export interface PlaygroundForm {
  system?: string;
  messages: ChatMessage[];
  params?: {
    temperature?: number | string;
    top_p?: number | string;
    max_tokens?: number | string;
    stop?: string | string[];
    presence_penalty?: number | string;
    frequency_penalty?: number | string;
    seed?: number | string;
    response_format?: 'text' | 'json_object' | { type: 'text' | 'json_object' | 'json_schema'; json_schema?: { name?: string; schema: object; strict?: boolean } };
    /** Only a value the model's family takes (Core.reasoningEffort); refused for other models. */
    reasoning_effort?: string;
  };
  stream?: boolean;
  model?: { model_name: string; provider?: string };
  extra?: Record<string, unknown>;
}

export type BuildResult =
  | { ok: true; body: Record<string, unknown>; warnings: Finding[] }
  | { ok: false; errors: FieldError[]; warnings?: Finding[] };

export interface ProviderError { type: string; code: string | null; message: string; param?: string }

/** Why a step failed (src/core/diagnose.h's kStepCodes). */
export type StepCode =
  | 'rate_limit' | 'quota' | 'overloaded' | 'outage' | 'timeout' | 'region' | 'context_length' | 'unsupported_parameter'
  | 'content_filter' | 'request_too_large' | 'invalid_request' | 'key_rejected' | 'key_or_endpoint' | 'key_permission'
  | 'model_not_found' | 'deployment_not_found' | 'endpoint_path' | 'endpoint_web_page' | 'endpoint_redirect'
  | 'provider_error'
  | 'dns' | 'refused' | 'tls' | 'blocked_address' | 'upstream_reset' | 'config' | 'redirect' | 'too_large' | 'internal'
  | 'no_answer_recorded' | 'answer_invalid' | 'empty_answer' | 'format_mismatch' | 'anthropic_native';

/** src/core/diagnose.h's kConditionKinds. */
export type ConditionKind =
  | 'rate_limit' | 'quota' | 'overloaded' | 'outage' | 'timeout' | 'region' | 'context_length' | 'unsupported_parameter'
  | 'content_filter' | 'request_too_large' | 'invalid_request' | 'provider_error' | 'truncated' | 'refusal'
  | 'relay_limit' | 'relay_error' | 'relay_unreachable' | 'session' | 'unknown_model' | 'not_testable' | 'stopped'
  | 'no_outcome' | 'model_deadline';

export interface Step {
  step: 'reach' | 'endpoint' | 'key' | 'model' | 'answer';
  status: 'pass' | 'fail' | 'not_reached';
  /** Why the step failed; null unless status is 'fail'. */
  code: StepCode | null;
  evidence: string;
  advice: string;
}
export interface Condition { kind: ConditionKind; side: 'provider' | 'prompt' | 'relay' | 'user'; message: string; advice: string }
export interface Diagnosis { steps: Step[]; conditions: Condition[]; summary: string; verdict: 'pass' | 'fail' | 'warn' }

/**
 * A relay error's `reason` (docs/contracts.md, "Relay errors"): a closed list — Node's and
 * OpenSSL's codes, three code families Node names (`HPE_*`, `ERR_SSL_*`, `ERR_TLS_*`), and the
 * relay's own.
 * Decide from it, never from `message`.
 */
export type RelayReason =
  // dns, refused
  | 'ENOTFOUND' | 'EAI_AGAIN' | 'EAI_FAIL' | 'ENODATA' | 'no_address'
  | 'ECONNREFUSED' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EHOSTDOWN' | 'ENETDOWN'
  // tls
  | 'EPROTO' | `ERR_SSL_${string}` | `ERR_TLS_${string}` | 'HOSTNAME_MISMATCH'
  | 'CERT_HAS_EXPIRED' | 'CERT_NOT_YET_VALID' | 'CERT_REVOKED' | 'CERT_UNTRUSTED' | 'CERT_REJECTED'
  | 'CERT_SIGNATURE_FAILURE' | 'DEPTH_ZERO_SELF_SIGNED_CERT' | 'SELF_SIGNED_CERT_IN_CHAIN'
  | 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' | 'UNABLE_TO_GET_ISSUER_CERT' | 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  | 'INVALID_CA' | 'PATH_LENGTH_EXCEEDED' | 'INVALID_PURPOSE'
  // timeout, upstream_reset
  | 'connect_timeout' | 'first_byte_timeout' | 'idle_timeout' | 'total_timeout' | 'ETIMEDOUT'
  | 'ECONNRESET' | 'EPIPE' | 'ECONNABORTED' | 'ERR_STREAM_PREMATURE_CLOSE' | 'closed_mid_response'
  | `HPE_${string}` | 'invalid_status' | 'unsupported_encoding' | 'bad_encoding'
  // blocked_address: the address category
  | 'loopback' | 'private' | 'link_local' | 'metadata' | 'cgnat' | 'unique_local' | 'site_local' | 'unspecified'
  | 'multicast' | 'broadcast' | 'reserved' | 'documentation' | 'benchmarking'
  // the relay's own
  | 'request_too_large' | 'response_too_large' | 'bad_base_url' | 'redirect' | 'per_user_limit' | 'upload_budget'
  | 'no_session' | 'bad_login_token' | 'cross_origin' | 'missing_playground_header' | 'host_not_served'
  | 'no_route' | 'no_file' | 'not_json' | 'invalid_body' | 'bad_input' | 'bad_path'
  | 'unknown_model' | 'not_testable' | 'forbidden' | 'internal' | 'unknown';

/** The relay's own failure, `{"error": RelayErrorBody}` (relay/errors.js). */
export interface RelayErrorBody {
  source: 'relay';
  kind: string;
  /** For people; may be reworded any time. */
  message: string;
  reason: RelayReason;
  /** timeout: the phase it came in. */
  phase?: 'connect' | 'first_byte' | 'idle' | 'total';
  /** blocked_address: the address category. */
  category?: string;
  /** redirect: the provider's 3xx; invalid_status: the status received. */
  status?: number;
  /** redirect: where the provider pointed (redacted). */
  location?: string;
  /** config: what is wrong with the base URL (redacted). */
  detail?: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  /** A mid-stream `relay_error` event only: the response's x-playground-relay-nonce. */
  nonce?: string;
}

export interface Outcome {
  /**
   * A failure the page knows to be the relay's own (see web/contract.js
   * relayErrorFromText), or the page's own `relay_unreachable`. Read: kind, phase, reason,
   * category, location, status, detail; never the message.
   */
  relayError?: { kind: string; message: string; reason?: RelayReason; detail?: string; [k: string]: unknown };
  status?: number;
  /** The user stopped the run (the page's Stop): the checklist says so instead of blaming a step. */
  aborted?: boolean;
  contentType?: string;
  /**
   * The response's headers, lower-case names. The relay's own ones decide whose a relay-shaped
   * answer is: `x-playground-source: relay` makes a `{"error":{"source":"relay",…}}` body the
   * relay's, and `x-playground-relay-nonce` makes a stream's relayEvent with that nonce the relay's.
   */
  headers?: Record<string, string>;
  body?: string;
  result?: Result;
  timings?: Record<string, number>;
  model?: { provider: string; model_name: string; api_base: string };
  secrets?: string[];
  /**
   * The chat body sent, or at least its `response_format`: with `json_object` or `json_schema`
   * the answer step checks that the content is that JSON (for a schema: its required top-level
   * keys, and no extra key under `additionalProperties: false`). `stream` (a boolean) says
   * whether the request streamed: a first-byte timeout advises streaming only when it did not.
   * Only these two are read.
   */
  request?: { response_format?: object; stream?: boolean; [k: string]: unknown };
  /**
   * "Did you mean …?": when the model step failed, the provider's names closest to the refused
   * model (the relay's upstream-models route, at most 3 read; `listed` how many the list held),
   * or why its list could not be had. The model step's advice names them; codes are unchanged.
   */
  modelSuggestions?: ModelSuggestions;
}

/** Why a provider's model list could not be had (kModelListProblems in src/core/provider/model_list.h). */
export type ModelListProblem = 'not_listed' | 'bad_base_url' | 'http_error' | 'not_a_list' | 'too_large' | 'empty' | 'unreachable';
export type ModelSuggestions = { names: string[]; listed?: number } | { unavailable: ModelListProblem; status?: number };
export type ModelListCall =
  | { ok: true; url: string; authHeader: string; authScheme: string; headers: OutboundHeader[] }
  | { ok: false; problem: ModelListProblem; error: string };
export type ModelList =
  | { ok: true; ids: string[]; leftOut: number; closest?: string[] }
  | { ok: false; problem: ModelListProblem; error: string };

export interface ChatTarget {
  provider: string; adapter?: string; api_base: string; model_name: string;
  /** The model's shaping (PublicModel.gateway.shaping): planChatCall then adds `gateway`. */
  shaping?: GatewayShaping;
}

/**
 * curlCommand's input: the relay's call (CallPlan's url, auth and headers), the key's default
 * headers as rendered (ShapedCall.headers) added to `headers`.
 */
export interface CurlCall {
  url: string;
  auth: { header: string; scheme: string };
  headers: Array<{ name: string; value: string }>;
}

/**
 * How the gateway shapes one model's call (docs/gateway-parity.md, "Shaping"): the key's
 * `request`, `response` and `tls` blocks and the model's deadlines and effort_mapping. In the
 * public list, a default header or body field whose name looks like a credential shows
 * "***" and `tls.caCert` is only `true`; the relay's copy (LoadedResources.shaping) holds
 * every value and the CA's PEM.
 */
export interface GatewayShaping {
  protocol: WireProtocol;
  paramRenames: Record<string, string>;
  temperatureMin: number | null; temperatureMax: number | null;
  defaultBodyFields: Record<string, unknown>;
  defaultHeaders: Record<string, string>;
  forwardClientHeaders: string[];
  contentListToString: boolean;
  reasoningField: string | null;
  streamDoneMarker: 'required' | 'optional' | 'none' | null;
  effortMapping: Record<string, string | null> | null;
  timeoutMs: number | null; streamTimeoutMs: number | null;
  tls: { caCert: string | boolean; verify: boolean } | null;
  modelId: string; modelName: string; keyId: string; keyName: string;
}
/** One thing the gateway's shaping did or does, `code` from a closed list, `text` one sentence. */
export interface ShapingNote { code: string; text: string }
export interface OutboundHeader { name: string; value: string }
/** A body shaped for one call: streaming as the request asked, the key's headers, what changed. */
export interface ShapedCall { stream: boolean; headers: OutboundHeader[]; changes: ShapingNote[] }
/** A deadline: `ms` null when the model sets none ("none": timeout 0; "deployment": the gateway's own default applies). */
export interface GatewayDeadline { ms: number | null; from: 'model.timeout' | 'model.stream_timeout' | 'none' | 'deployment' }
/**
 * planChatCall's `gateway` (with a target's shaping). `answerReading` is data for the stream
 * reader: `reasoningField` a path like "delta.reasoning" whose non-empty string the gateway
 * copies to each streamed delta's reasoning_content; `streamDoneMarker` whether a stream's
 * `data: [DONE]` is required / optional / must be absent (a stream that differs is only
 * logged by the gateway); `contentListToString` a request-side transform, already applied.
 */
export interface GatewayPlan {
  answerReading: { reasoningField: string | null; streamDoneMarker: 'required' | 'optional' | 'none' | null; contentListToString: boolean };
  deadlines: { request: GatewayDeadline; stream: GatewayDeadline };
  tls: { caCert: string | boolean; verify: boolean } | null;
  shaping: ShapingNote[];
}
/** A difference between this direct call and gateway traffic for the model, only those that apply. */
export type DifferenceCode =
  | 'anthropic_messages_api' | 'caller_key_not_checked' | 'rate_limits_not_applied' | 'guardrails_not_run'
  | 'cache_not_used' | 'retries_not_exercised' | 'cooldown_not_exercised' | 'client_ip_not_checked'
  | 'client_headers_not_forwarded' | 'caller_jwt_not_forwarded' | 'caller_header_dropped' | 'tls_verify_off'
  | 'prompt_caching_not_applied';
export interface GatewayDifference { code: DifferenceCode; text: string }
export type UrlResult = { ok: true; url: string; notes: string[] } | { ok: false; error: string };
export type WireProtocol = 'openai' | 'anthropic' | 'azure-openai' | 'unsupported';
/** What the gateway itself does with the same key and model: dispatch to gatewayUrl, dispatch to a URL that will fail (misrouted), refuse the configuration, find no route, or speak another protocol than the playground's call. */
export type GatewayOutcome = 'dispatch' | 'misrouted' | 'config_error' | 'no_route' | 'other_protocol';
export type ChatPlan =
  | { ok: true; url: string; authHeader: string; authScheme: string; protocol: WireProtocol; notes: string[]; gatewayOutcome: GatewayOutcome; gatewayUrl?: string; gateway?: GatewayPlan }
  | { ok: false; error: string; protocol: WireProtocol; gatewayOutcome: GatewayOutcome; gatewayUrl?: string; gateway?: GatewayPlan };
export interface AddressVerdict { category: string; allowedByDefault: boolean; detail: string; normalized: string }
export interface CostResult { known: boolean; inputUsd: number; outputUsd: number; totalUsd: number; note: string }
/** Before a run: the prompt's estimated tokens and the completion limit at the model's prices; `known` false without prices, messages or a limit. */
export interface WorstCaseCost extends CostResult { reason: '' | 'no_prices' | 'no_messages' | 'no_limit'; promptTokens: number; maxTokens: number }
/** The reasoning_effort values a model's family takes, lowest first; `supported` false (and `note` why) when it is not offered. */
export interface ReasoningEffort { supported: boolean; family: string; values: string[]; lowest: string | null; note: string }

/** Why a rate-limit header was not read (kRateLimitProblems in src/core/provider/rate_limits.h). */
export type RateLimitProblem = 'bad_number' | 'bad_reset' | 'bad_retry_after' | 'remaining_above_limit' | 'reset_passed' | 'conflicting';
/** One limit a key is under, as far as the provider's headers say; absent values are null, never guessed. */
export interface Headroom {
  kind: 'requests' | 'tokens' | 'input_tokens' | 'output_tokens'; source: 'openai' | 'anthropic';
  limit: number | null; remaining: number | null;
  /** ms from `now` until the limit resets; `resetAt` ms since the epoch when the provider sent a time */
  resetMs: number | null; resetAt: number | null;
  text: string;
}
export interface RateLimits {
  limits: Headroom[];
  retryAfter: { ms: number | null; at: number | null; text: string } | null;
  problems: Array<{ code: RateLimitProblem; header: string; message: string }>;
}

export interface PublicModel {
  id: string; display_name: string; kind: 'direct' | 'routing' | 'ensemble' | 'semantic';
  provider: string; model_name: string; api_base: string;
  provider_key: { id: string; display_name: string | null; provider: string | null; adapter: string | null } | null;
  cost: { input_per_1k: number; output_per_1k: number } | null;
  testable: boolean; reason?: string; targets?: string[];
  /** Direct models whose key exists: how the gateway shapes the call (public view) and what a pass here does not prove. */
  gateway?: { shaping: GatewayShaping; differences: GatewayDifference[] };
  /**
   * The relay's model list only (not LoadedResources), for direct models whose key exists: the
   * call the relay makes for this model, as it makes it (relay/upstream-headers.js publicCall).
   */
  call?: CallPlan;
  /** The relay's model list only, for models with a model name: the "Test connection" form (Core.probeForm). */
  probe?: PlaygroundForm;
  /** The relay's model list only, for models with a model name: the reasoning_effort values it takes (Core.reasoningEffort). */
  reasoningEffort?: ReasoningEffort;
}

/**
 * How the relay calls a model: method, URL and the headers every call sends, the key as `***`;
 * `auth` names the header that carries the key and the scheme before it (curlCommand writes
 * $PROVIDER_KEY there); `perCallHeaders` are set per call (content-length, accept,
 * x-aisix-request-id). Never the key: redacted with the key's secrets.
 */
export type CallPlan =
  | { ok: true; method: 'POST'; url: string; headers: Array<{ name: string; value: string }>;
      auth: { header: string; scheme: string }; perCallHeaders: string[];
      notes: string[]; gatewayNotes: Array<{ code: string; text: string }> }
  | { ok: false; error: string };
export interface ResourceProblem { entry: string; field: string; message: string }
export interface LoadedResources {
  ok: boolean; errors: ResourceProblem[]; warnings: ResourceProblem[]; models: PublicModel[];
  /** Relay only: holds the secrets. Never send to a browser. */
  providerKeys: Array<{ id: string; display_name: string; provider: string; adapter: string; api_base: string; api_key: string; header_secrets: string[] }>;
  /** Relay only: each direct model's shaping with every value (header values, the CA's PEM). */
  shaping: { models: Record<string, GatewayShaping> };
  rows?: Array<{ key: string; value: object }>;
}

export interface Freeable { free(): void }
export interface SseDecoder extends Freeable { push(bytes: Uint8Array | string): SseEvent[]; end(): SseEvent[] }
export interface ChatStream extends Freeable { push(bytes: Uint8Array | string): Delta[]; end(): Result }
export interface StreamRedactor extends Freeable { push(bytes: Uint8Array | string): Uint8Array; finish(): Uint8Array }
/** A secrets list compiled once (secretsRedactor): each stream() a fresh redactor, freed by its caller. */
export interface SecretsRedactor extends Freeable {
  stream(): StreamRedactor;
  /** Core.forwardAnswerHeaders against this list, without handing the core its secrets again. */
  forwardAnswerHeaders(headers: Array<[string, string]>, now?: number): { values: Array<string | null>; headroom: string | null };
}
/** The relay's chat request read from its bytes (openChatRequest): check() once, or free(). */
export interface ChatRequestTarget { model_name: string; provider: string; shaping?: GatewayShaping | null; requestId?: string }
export type CheckedRequest =
  /** payload: a copy of the body as sent upstream; a small one may share its buffer with other copies. */
  | { ok: true; payload: Uint8Array; stream: boolean; headers: OutboundHeader[]; changes: ShapingNote[] }
  | { ok: false; errors: FieldError[]; badInput?: true };
export interface ChatRequest extends Freeable { ok: true; model: string; check(target: ChatRequestTarget): CheckedRequest }
export type OpenedChatRequest = ChatRequest | { ok: false; error: { code: 'not_json' | 'no_model'; message: string } };

export interface Core {
  /** The core's build id: project version + commit. */
  readonly version: string;
  /** The one list of playground parameters (the builder's and the relay's), in form order. */
  parameters(): ReadonlyArray<Parameter>;
  buildRequest(form: PlaygroundForm): BuildResult;
  validateCompletion(text: string): Result;
  /** `shaping`: the model's (PublicModel.gateway.shaping): a stream read as the gateway reads the key's answers. */
  openStream(options?: { maxLineBytes?: number; shaping?: GatewayShaping | null }): ChatStream;
  sseDecoder(options?: { maxLineBytes?: number }): SseDecoder;
  parseError(status: number, contentType: string, body: string): ProviderError;
  /** Every secret removed: whole, escaped (JSON, %XX), base64-encoded, or in a provider's masked echo. */
  redact(text: string, secrets: string[]): string;
  /** Relay build only: upstream header values, each redacted, or null when it still holds 8 consecutive raw bytes of a secret of 12+ bytes (half of a shorter one, at least 6). */
  redactHeaderValues(values: string[], secrets: string[]): Array<string | null>;
  /**
   * Relay build only: a provider's answer headers ([name, value], names lower-case) as the relay
   * forwards them: each value as redactHeaderValues gives it, and the key's headroom read from the
   * kept ones (RateLimits as JSON text; null when they say nothing about its limits). `now` in ms
   * since the epoch. The page reads the headroom from the answer (contract.js headroomOf).
   */
  forwardAnswerHeaders(headers: Array<[string, string]>, secrets: string[], now?: number): { values: Array<string | null>; headroom: string | null };
  streamRedactor(secrets: string[]): StreamRedactor;
  /** Relay build only: one secrets list compiled once; stream() is a fresh StreamRedactor over it (as streamRedactor(secrets)). */
  secretsRedactor(secrets: string[]): SecretsRedactor;
  /** Relay build only: the request's bytes ({model, body}) read once; the body checked and written out by the core (docs/contracts.md). */
  openChatRequest(bytes: Uint8Array): OpenedChatRequest;
  /** Relay build only: a built body as the gateway sends it for a model (its public shaping); the inspect view asks the relay (POST /api/playground/preview). */
  shapeChatBody(body: object, shaping: GatewayShaping, requestId?: string): ShapedCall & { body: Record<string, unknown> };
  upstreamUrl(apiBase: string, path: string): UrlResult;
  planChatCall(target: ChatTarget): ChatPlan;
  /** Relay build only: "Copy as curl" for the relay's call (the preview route makes it). */
  curlCommand(call: CurlCall, body: object): string;
  classifyAddress(ip: string): AddressVerdict;
  cost(usage: Usage | null, prices: { input_per_1k: number; output_per_1k: number } | null): CostResult;
  /** A built body's worst case before it is sent: estimated prompt tokens × input price + its max tokens × output price. */
  worstCaseCost(body: object | null, prices: { input_per_1k: number; output_per_1k: number } | null): WorstCaseCost;
  /** Relay build only (the page reads PublicModel.probe): the "Test connection" form: "Reply with OK", not streamed, a budget a reasoning model can answer in, its family's lowest reasoning_effort. */
  probeForm(model: { model_name: string; provider?: string }): PlaygroundForm;
  /** Relay build only (the page reads PublicModel.reasoningEffort). */
  reasoningEffort(model: { model_name: string }): ReasoningEffort;
  diagnose(outcome: Outcome): Diagnosis;
  /** allowUnsetVars: `make run` only — a key whose ${VAR} is unset is listed as not configured instead of failing the load. */
  loadResources(document: unknown, env?: Record<string, string>, options?: { allowUnsetVars?: boolean }): LoadedResources;
  loadRows(rows: Array<{ kind: string; id: string; value: string }>): LoadedResources;
  /** Relay build only: where the model's key lists the provider's models (GET <base>/models). */
  modelListCall(target: ChatTarget): ModelListCall;
  /** Relay build only: a GET /models answer read bounded; with `wanted`, its closest names. */
  readModelList(body: string, wanted?: string): ModelList;
}

/**
 * Browser: fetches dist/playground-core.wasm; Node: reads it unless `wasmBinary` is given.
 * Another build of the same core is its `wasmBinary`: how relay/core.js loads relay/dist.
 */
export declare function loadCore(options?: { wasmBinary?: Uint8Array }): Promise<Core>;
