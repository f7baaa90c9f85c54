// Test support shared by the request_*_test.cpp files: forms, models, and reading a
// BuildResult's errors and warnings.
#pragma once

#include <doctest/doctest.h>

#include "core/request/request.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

namespace {

json parse(const std::string& text) {
  auto parsed = parse_json(text);
  REQUIRE_MESSAGE(parsed.value, parsed.error);
  return *parsed.value;
}

// A form with one user message plus whatever the test adds.
json form_with(const json& extra_fields) {
  json form = {{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
  for (auto it = extra_fields.begin(); it != extra_fields.end(); ++it) form[it.key()] = it.value();
  return form;
}

json form_with_params(const json& params, const json& model = nullptr) {
  json form = form_with({{"params", params}});
  if (!model.is_null()) form["model"] = model;
  return form;
}

json model(const std::string& name, const std::string& provider = "openai") {
  return {{"model_name", name}, {"provider", provider}};
}

// By value: the result is often a temporary.
std::optional<FieldError> error_at(const BuildResult& r, const std::string& field) {
  for (const auto& e : r.errors)
    if (e.field == field) return e;
  return std::nullopt;
}

std::optional<Finding> warning_at(const BuildResult& r, const std::string& path) {
  for (const auto& w : r.warnings)
    if (w.path == path) return w;
  return std::nullopt;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string all_errors(const BuildResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += "[" + e.field + "] " + e.message + "\n";
  return out;
}

// Builds a form that only sets params.<key> = value and returns the result.
BuildResult with_param(const std::string& key, const json& value, const json& m = nullptr) {
  return build_request(form_with_params({{key, value}}, m));
}

const std::string kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4zwAE/8EISAAAHfED/XkOi+8AAAAASUVORK5CYII=";
const std::string kJpegHead = "/9j/4AAQSkZJRgAB";

json image_message(const std::string& url, const std::string& role = "user") {
  return {{"messages",
           json::array({{{"role", role},
                         {"content", json::array({{{"type", "image_url"}, {"image_url", {{"url", url}}}}})}}})}};
}

}  // namespace
