#include <doctest/doctest.h>

#include "core/provider/body_sniff.h"

#include <string>

using namespace pg;

TEST_CASE("body_sniff: content_start skips a BOM and ASCII white space") {
  CHECK(sniff::content_start("\xEF\xBB\xBF \r\n\t\f\v<html>") == "<html>");
  CHECK(sniff::content_start("  data: x") == "data: x");
  CHECK(sniff::content_start("") == "");
  CHECK(sniff::content_start(" \n ") == "");
  CHECK(sniff::content_start("x \xEF\xBB\xBF") == "x \xEF\xBB\xBF");
}

TEST_CASE("body_sniff: HTML pages") {
  for (const char* page :
       {"<!DOCTYPE html><html>…", "<!doctype HTML>", "<html lang=en>", "<HTML>", "<head><title>x",
        "<body>Bad gateway</body>", "<title>502</title>", "<h1>Not Found</h1>", "\xEF\xBB\xBF\r\n  <html>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html xmlns=…>", "<!-- a comment -->\n<HTML>"}) {
    CAPTURE(page);
    CHECK(sniff::is_html(page));
  }
  for (const char* text : {"", "   ", "Not Found", "{\"error\":\"<html>\"}", "<xml/>", "<div>x</div>",
                           "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>", "data: <html>",
                           "<!-- comment only -->", "x<html>"}) {
    CAPTURE(text);
    CHECK_FALSE(sniff::is_html(text));
  }
}

TEST_CASE("body_sniff: the look-ahead after a prologue or a comment is bounded") {
  const std::string near = "<!--" + std::string(1500, '-') + "--><html>";
  CHECK(sniff::is_html(near));
  const std::string far = "<!--" + std::string(sniff::kLookAheadBytes, '-') + "--><html>";
  CHECK_FALSE(sniff::is_html(far));
  const std::string prologue = "<?xml version=\"1.0\"?>" + std::string(sniff::kLookAheadBytes, ' ') + "<html>";
  CHECK_FALSE(sniff::is_html(prologue));
}

TEST_CASE("body_sniff: a content type says HTML whatever the body") {
  CHECK(sniff::is_html("Service Unavailable", "text/html; charset=UTF-8"));
  CHECK(sniff::is_html("", "TEXT/HTML"));
  CHECK(sniff::is_html("x", "application/xhtml+xml"));
  CHECK_FALSE(sniff::is_html("x", "text/plain"));
  CHECK_FALSE(sniff::is_html("x", "application/json"));
  CHECK_FALSE(sniff::is_html("x", "text/htmlx"));
  // A content type other than HTML does not hide a page.
  CHECK(sniff::is_html("<html><body>x</body></html>", "application/json"));
}

TEST_CASE("body_sniff: event streams") {
  for (const char* stream :
       {"data: {}", "data:{}", "event: error\ndata: {}", "id: 1\ndata: x", "retry: 3000\n", ": keep-alive\n\ndata: {}",
        ":", "\xEF\xBB\xBF\n\ndata: x", "  \r\ndata: [DONE]", "DATA: x", "Event: message_start"}) {
    CAPTURE(stream);
    CHECK(sniff::is_event_stream(stream));
  }
  for (const char* text :
       {"", "  ", "{\"data\":1}", "dat", "datum: x", "<html>", "Bad Gateway", "ids: 1", "[{\"data\":1}]"}) {
    CAPTURE(text);
    CHECK_FALSE(sniff::is_event_stream(text));
  }
  CHECK(sniff::is_event_stream("", "text/event-stream"));
  CHECK(sniff::is_event_stream("{}", "Text/Event-Stream; charset=utf-8"));
  CHECK_FALSE(sniff::is_event_stream("{}", "application/json"));
}

TEST_CASE("body_sniff: Anthropic's native Messages API, as JSON") {
  CHECK(sniff::is_anthropic_message(json::parse(R"({"type":"message","role":"assistant","content":[]})")));
  CHECK_FALSE(sniff::is_anthropic_message(json::parse(R"({"type":"message","content":"hi"})")));
  CHECK_FALSE(sniff::is_anthropic_message(json::parse(R"({"type":"message","content":[],"choices":[]})")));
  CHECK_FALSE(sniff::is_anthropic_message(json::parse(R"({"type":"error","content":[]})")));
  CHECK_FALSE(sniff::is_anthropic_message(json::parse(R"([{"type":"message","content":[]}])")));
  CHECK_FALSE(sniff::is_anthropic_message(json::parse(R"({"object":"chat.completion","choices":[]})")));

  for (const char* type : {"message_start", "message_delta", "message_stop", "content_block_start",
                           "content_block_delta", "content_block_stop", "ping"})
    CHECK(sniff::is_anthropic_stream_event(json{{"type", type}}));
  CHECK_FALSE(sniff::is_anthropic_stream_event(json{{"type", "message_start"}, {"choices", json::array()}}));
  CHECK_FALSE(sniff::is_anthropic_stream_event(json{{"type", "message"}}));
  CHECK_FALSE(sniff::is_anthropic_stream_event(json{{"object", "chat.completion.chunk"}}));
  CHECK_FALSE(sniff::is_anthropic_stream_event(json::array()));
}

TEST_CASE("body_sniff: Anthropic's native format, as a body") {
  const std::string message =
      R"({"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Hi"}],)"
      R"("stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}})";
  CHECK(sniff::is_anthropic_native(message));
  CHECK(sniff::is_anthropic_native("\xEF\xBB\xBF\n" + message));
  CHECK_FALSE(sniff::is_anthropic_native(R"({"object":"chat.completion","choices":[{"message":{"content":"x"}}]})"));
  CHECK_FALSE(sniff::is_anthropic_native(R"({"type":"message","content":[)"));  // not JSON
  CHECK_FALSE(sniff::is_anthropic_native(""));
  CHECK_FALSE(sniff::is_anthropic_native("<html>"));

  const std::string stream =
      "event: message_start\n"
      R"(data: {"type":"message_start","message":{"id":"msg_1","type":"message","content":[]}})"
      "\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n";
  CHECK(sniff::is_anthropic_native(stream));
  CHECK(sniff::is_anthropic_native("event:message_start\r\ndata: {}\r\n\r\n"));
  CHECK(sniff::is_anthropic_native("EVENT: message_start\n"));
  // Without event lines: the data line says it.
  CHECK(sniff::is_anthropic_native(R"(data: {"type":"message_start","message":{}})"
                                   "\n\n"));
  // An OpenAI stream, and one whose chunks say message_start but carry choices.
  CHECK_FALSE(
      sniff::is_anthropic_native("data: {\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\ndata: [DONE]\n\n"));
  CHECK_FALSE(sniff::is_anthropic_native(R"(data: {"type":"message_start","choices":[]})"
                                         "\n\n"));
  CHECK_FALSE(sniff::is_anthropic_native("event: message_start_x\n"));
  // Only the first kLookAheadBytes are read.
  const std::string padding = ": " + std::string(sniff::kLookAheadBytes, 'p') + "\n";
  CHECK_FALSE(sniff::is_anthropic_native(padding + stream));
  // A line cut by the look-ahead window is not read.
  const std::string cut =
      "data: {\"type\":\"message_start\",\"pad\":\"" + std::string(sniff::kLookAheadBytes, 'p') + "\"}\n";
  CHECK_FALSE(sniff::is_anthropic_native(cut));
  // Too large a JSON body is not parsed.
  std::string large = R"({"type":"message","content":[],"pad":")" + std::string(sniff::kMaxParsedBytes, 'p') + "\"}";
  CHECK_FALSE(sniff::is_anthropic_native(large));
}
