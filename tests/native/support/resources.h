// Test support shared by the resources_*_test.cpp files: fixture files, look-ups by name
// and every error of a load as one text.
#pragma once

#include <doctest/doctest.h>

#include "core/base/sha1.h"
#include "core/base/uuid5.h"
#include "core/resources/detail/interpolate.h"  // internal under test
#include "core/resources/detail/key_hash.h"     // internal under test
#include "core/resources/detail/references.h"   // internal under test
#include "core/resources/resources.h"

#include <fstream>
#include <sstream>
#include <string>

using namespace pg;

namespace {

json fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/resources/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_json(text.str());
  REQUIRE_MESSAGE(parsed.value, name << ": " << parsed.error);
  return *parsed.value;
}

// Every variable valid.json needs, with recognisable secret values.
Env full_env() {
  return {{"OPENAI_API_KEY", "sk-openai-SECRET1"}, {"DEEPSEEK_HOST", "api.deepseek.com"},
          {"DEEPSEEK_API_KEY", "sk-ds-SECRET2"},   {"AZURE_OPENAI_KEY", "az-SECRET3"},
          {"ANTHROPIC_API_KEY", "sk-ant-SECRET4"}, {"AWS_SECRET", "aws-SECRET5"},
          {"MISTRAL_API_KEY", "mis-SECRET6"},      {"CACHE_UNIT", "token"},
          {"DEV_CALLER_KEY", "sk-caller-SECRET7"}};
}

const Model* model_named(const Resources& r, const std::string& name) {
  for (const auto& m : r.models)
    if (m.display_name == name) return &m;
  return nullptr;
}

const ProviderKey* key_named(const Resources& r, const std::string& name) {
  for (const auto& k : r.provider_keys)
    if (k.display_name == name) return &k;
  return nullptr;
}

std::string all_errors(const Resources& r) {
  std::string out;
  for (const auto& e : r.errors) out += "[" + e.entry + "|" + e.field + "] " + e.message + "\n";
  return out;
}

// True when one error has exactly this entry and field and a message containing `fragment`.
bool has_error(const std::vector<ResourceError>& errors, const std::string& entry, const std::string& field,
               const std::string& fragment) {
  for (const auto& e : errors)
    if (e.entry == entry && e.field == field && e.message.find(fragment) != std::string::npos) return true;
  return false;
}

// Loads valid.json after `mutate`, expecting failure with the given error, and all-or-nothing.
Resources expect_error(void (*mutate)(json&), const std::string& entry, const std::string& field,
                       const std::string& fragment, Env env = full_env()) {
  json doc = fixture("valid.json");
  mutate(doc);
  Resources r = load_resources_file(doc, env);
  CHECK_FALSE(r.ok());
  CHECK_MESSAGE(has_error(r.errors, entry, field, fragment), "wanted [" << entry << "|" << field << "] ~ \"" << fragment
                                                                        << "\"; got:\n"
                                                                        << all_errors(r));
  CHECK(r.provider_keys.empty());
  CHECK(r.models.empty());
  return r;
}

}  // namespace
