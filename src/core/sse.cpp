// STUB: replaced by the real decoder.
#include "core/sse.h"
namespace pg {
SseDecoder::SseDecoder(SseLimits limits) : limits_(limits) {}
bool SseDecoder::push(std::string_view, std::vector<SseEvent>&) { return true; }
void SseDecoder::end(std::vector<SseEvent>&) {}
void SseDecoder::feed_text(std::string_view) {}
void SseDecoder::process_line(std::string_view) {}
void SseDecoder::dispatch(std::vector<SseEvent>&) {}
}
