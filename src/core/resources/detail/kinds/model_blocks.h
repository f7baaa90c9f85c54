// Internal to models.cpp: the checks of a model's nested blocks, each a closed object
// in the gateway's model schema (docs/gateway-parity.md, "Loading: the rules implemented").
#pragma once

#include "core/resources/detail/checks.h"

namespace pg::resources_detail {

void cost_block(EntryLog& l, const std::string& p, const json& v);
void rate_limit_block(EntryLog& l, const std::string& p, const json& v);
void embedding_block(EntryLog& l, const std::string& p, const json& v);
void model_check_block(EntryLog& l, const std::string& p, const json& v);
void cooldown_block(EntryLog& l, const std::string& p, const json& v);
void prompt_caching_block(EntryLog& l, const std::string& p, const json& v);
void effort_mapping_block(EntryLog& l, const std::string& p, const json& v);
void cidr_list(EntryLog& l, const std::string& p, const json& v);
void routing_block(EntryLog& l, const std::string& p, const json& v);
void ensemble_block(EntryLog& l, const std::string& p, const json& v);
void semantic_block(EntryLog& l, const std::string& p, const json& v);

}  // namespace pg::resources_detail
