// ChatStream's end (core/answer/chat_stream.h): the events the decoder still held, then the
// findings only the whole stream can give (a missing [DONE] or finish_reason, no usage, …),
// and the Result handed to a caller that kept the deltas' text.
#include "core/answer/chat_stream.h"

#include "core/answer/detail/completion_rules.h"
#include "core/base/text.h"

namespace pg {

namespace {

Finding err(FindingCode code, std::string path, std::string message) {
  return error_finding(code, std::move(path), std::move(message));
}
Finding warn(FindingCode code, std::string path, std::string message) {
  return warning_finding(code, std::move(path), std::move(message));
}

}  // namespace

Result ChatStream::end_rest() {
  end();
  // Moved aside so that copying the Result does not copy the (possibly long) texts.
  std::string content, reasoning;
  content.swap(result_.content);
  reasoning.swap(result_.reasoning);
  Result rest = result_;
  rest.content.assign(content, content_pushed_, std::string::npos);
  rest.reasoning.assign(reasoning, reasoning_pushed_, std::string::npos);
  result_.content.swap(content);
  result_.reasoning.swap(reasoning);
  return rest;
}

const Result& ChatStream::end() {
  if (ended_) return result_;
  json ignored = json::array();  // end() returns the Result; what it adds is in there
  deltas_.begin(ignored);
  decoder_.end(events_);
  for (SseEvent& event : events_) on_event(event);
  events_.clear();
  if (decoder_.failed()) report_decoder_failure();
  deltas_.flush();
  ended_ = true;

  Findings& findings = result_.findings;
  const bool any_chunk = chunk_count_ > 0;
  if (decoder_.ended_mid_event())
    findings.push_back(err(FindingCode::StreamCutMidEvent, "",
                           "the stream stopped in the middle of an event (no blank line after its last line)"));
  if (!any_chunk)
    findings.push_back(err(FindingCode::StreamEmpty, "",
                           result_.done ? "the stream sent data: [DONE] before any chunk"
                                        : "the stream carried no data events: it is not a chat-completion "
                                          "event stream, or it was empty"));
  if (!result_.done) {
    // Clients read to the end of the body and stop there, [DONE] or not: what they need is
    // a finish_reason on every choice. Without an error, that stream is whole.
    if (provider_errors_ == 0 && every_choice_finished()) {
      // A key whose streams carry no marker (response.stream_done_marker: none) is read so
      // by the gateway: nothing to say.
      if (reading_.done_marker != "none")
        findings.push_back(warn(FindingCode::StreamEndedWithoutDone, "",
                                "the stream ended without data: [DONE], after a finish_reason on every choice: "
                                "the answer is whole (Perplexity ends its streams so)"));
    } else {
      findings.push_back(err(FindingCode::StreamCut, "", "stream ended without data: [DONE] (cut short)"));
    }
  } else if (reading_.done_marker == "none") {
    findings.push_back(warn(FindingCode::DoneMarkerUnexpected, "",
                            "the stream ended with data: [DONE], but the key's settings say its streams carry none "
                            "(response.stream_done_marker: none): the gateway logs it and reads the answer"));
  }
  if (const std::size_t bad = decoder_.invalid_utf8())
    findings.push_back(warn(FindingCode::InvalidUtf8, "",
                            "the stream carried " + std::to_string(bad) + " invalid UTF-8 sequence" +
                                (bad == 1 ? "" : "s") +
                                ", shown as U+FFFD: the provider sent bytes that are not UTF-8 text"));

  result_.tool_calls = tool_calls_.calls();
  check_tool_calls(result_.tool_calls, "tool_calls", findings);
  if (function_call_) {
    result_.function_call = json{{"name", function_name_}, {"arguments", function_arguments_}};
    check_function_call(*result_.function_call, "choices[0].delta.function_call", findings);
  }

  const bool failed_upstream = provider_errors_ > 0;
  const bool has_answer = !result_.content.empty() || !tool_calls_.empty() || function_call_;
  if (any_chunk) {
    if (result_.finish_reason)
      check_finish_reason(*result_.finish_reason, "choices[0].finish_reason", has_answer, failed_upstream, findings);
    else if (!failed_upstream)
      findings.push_back(warn(FindingCode::FinishReasonMissing, "choices[0].finish_reason",
                              "no chunk carried a finish_reason: the stream does not "
                              "say why the answer ended"));

    if (usage_) {
      result_.usage = read_usage(*usage_, usage_from_x_groq_ ? "x_groq.usage" : "usage", findings);
      if (usage_from_x_groq_) findings.push_back(warn(FindingCode::UsageInXGroq, "x_groq.usage", kXGroqUsageNote));
    } else {
      findings.push_back(warn(FindingCode::UsageMissing, "usage",
                              "the stream carried no usage (send stream_options: {\"include_usage\": "
                              "true} to get token counts)"));
    }

    if (!refusal_.empty())
      findings.push_back(
          warn(FindingCode::Refusal, "choices[0].delta.refusal", "the model refused: " + excerpt(refusal_)));
    else if (!has_answer && !failed_upstream)
      warn_empty_answer(result_.finish_reason, "choices[0].delta.content", findings);

    if (first_id_.empty()) findings.push_back(warn(FindingCode::IdMissing, "id", "no chunk has an id"));
    if (!saw_created_)
      findings.push_back(warn(FindingCode::CreatedMissing, "created", "no chunk has created (a Unix time)"));
    if (!result_.model)
      findings.push_back(warn(FindingCode::ModelMissing, "model", "no chunk says which model answered"));
  }
  issues_.finish(findings);
  return result_;
}

}  // namespace pg
