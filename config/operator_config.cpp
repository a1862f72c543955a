#include "config/operator_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "config/config_rules.hpp"
#include "model/manifest.hpp"

namespace baorestore::config {

namespace {

namespace json = boost::json;

// One setting: its path in the file and where it lives in operator_config. The table drives
// the file's decoding, the environment, to_yaml and differing_settings alike.
using field_ref = std::variant<double*, std::int64_t*, bool*, duration*, std::string*,
                               std::vector<std::string>*, log_level*>;

struct setting {
  std::string_view path;
  field_ref (*ref)(operator_config&);
};

#define BAORESTORE_SETTING(path, member)                                                       \
  setting {                                                                                    \
    path, [](operator_config& c) -> field_ref { return &c.member; }                            \
  }

const std::array settings = {
  BAORESTORE_SETTING("watchedNamespaces", watched_namespaces),
  BAORESTORE_SETTING("qps", qps),
  BAORESTORE_SETTING("burst", burst),
  BAORESTORE_SETTING("jobPollInitial", job_poll_initial),
  BAORESTORE_SETTING("jobPollCeiling", job_poll_ceiling),
  BAORESTORE_SETTING("perTenantRunningLimit", per_tenant_running_limit),
  BAORESTORE_SETTING("lockWaitDeadline", lock_wait_deadline),
  BAORESTORE_SETTING("validationDeadline", validation_deadline),
  BAORESTORE_SETTING("supervisor.intensity", supervisor.intensity),
  BAORESTORE_SETTING("supervisor.period", supervisor.period),
  BAORESTORE_SETTING("metricsAddress", metrics_address),
  BAORESTORE_SETTING("healthAddress", health_address),
  BAORESTORE_SETTING("leaderElection.enabled", leader_election.enabled),
  BAORESTORE_SETTING("leaderElection.leaseName", leader_election.lease_name),
  BAORESTORE_SETTING("leaderElection.leaseNamespace", leader_election.lease_namespace),
  BAORESTORE_SETTING("leaderElection.leaseDuration", leader_election.lease_duration),
  BAORESTORE_SETTING("leaderElection.renewDeadline", leader_election.renew_deadline),
  BAORESTORE_SETTING("leaderElection.retryPeriod", leader_election.retry_period),
  BAORESTORE_SETTING("lockService.address", lock_service.address),
  BAORESTORE_SETTING("lockService.certFile", lock_service.cert_file),
  BAORESTORE_SETTING("lockService.keyFile", lock_service.key_file),
  BAORESTORE_SETTING("lockService.tokensFile", lock_service.tokens_file),
  BAORESTORE_SETTING("lockService.maxBodyBytes", lock_service.max_body_bytes),
  BAORESTORE_SETTING("lockService.requestsPerSecond", lock_service.requests_per_second),
  BAORESTORE_SETTING("lockService.burst", lock_service.burst),
  BAORESTORE_SETTING("lockService.maxWaitsPerToken", lock_service.max_waits_per_token),
  BAORESTORE_SETTING("lockService.maxWaitSeconds", lock_service.max_wait_seconds),
  BAORESTORE_SETTING("lockService.holdTimeout", lock_service.hold_timeout),
  BAORESTORE_SETTING("logLevel", log),
  BAORESTORE_SETTING("shutdownGracePeriod", shutdown_grace_period),
  BAORESTORE_SETTING("executorImage", executor_image),
  BAORESTORE_SETTING("kubeconfig", kubeconfig),
};

#undef BAORESTORE_SETTING

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

const char* const duration_example = "a duration such as \"30s\", \"500ms\" or \"1m30s\"";
const char* const log_levels = "debug, info, warn or error";

std::string shape_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object:
      return "a mapping";
    case json::kind::array:
      return "a sequence";
    case json::kind::string:
      return "the string \"" + std::string{v.get_string()} + "\"";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::null:
      return "null";
    default:
      return "a number";
  }
}

std::string json_quoted(std::string_view s) {
  return json::serialize(json::string_view{s.data(), s.size()});
}

// The settings' paths under a group ("" for the top level, else "leaderElection."), as the
// keys of that mapping: leaf names and group names once each.
std::vector<std::string> keys_under(std::string_view prefix) {
  std::vector<std::string> keys;
  for (const auto& s : settings) {
    if (s.path.substr(0, prefix.size()) != prefix)
      continue;
    auto rest = s.path.substr(prefix.size());
    std::string key{rest.substr(0, rest.find('.'))};
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      keys.push_back(std::move(key));
  }
  return keys;
}

const setting* find_setting(std::string_view path) {
  for (const auto& s : settings)
    if (s.path == path)
      return &s;
  return nullptr;
}

// Decodes the file's mappings into a config, collecting problems and the paths that failed.
class decoder {
public:
  decoder(operator_config& cfg, config_problems& problems, std::set<std::string>& failed)
    : cfg_(cfg), problems_(problems), failed_(failed) {
    // nop
  }

  void mapping(const json::object& obj, const std::string& prefix) {
    auto keys = keys_under(prefix);
    for (const auto& [k, v] : obj) {
      std::string key{k};
      auto path = prefix + key;
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        unknown(key, prefix, keys);
      } else if (auto* s = find_setting(path)) {
        if (!v.is_null())
          leaf(*s, v);
      } else if (auto* sub = v.if_object()) {
        mapping(*sub, path + ".");
      } else if (!v.is_null()) {
        problem(path, "expected a mapping, got " + shape_name(v));
      }
    }
  }

private:
  void problem(const std::string& path, std::string message) {
    failed_.insert(path);
    problems_.push_back(config_problem{path, std::move(message)});
  }

  void unknown(const std::string& key, const std::string& prefix,
               const std::vector<std::string>& siblings) {
    auto path = prefix + key;
    std::string message = "unknown setting";
    auto near = detail::suggest(key, siblings);
    if (!near.empty()) {
      near = prefix + near;
    } else {
      // A key of another level ("leaseDuration" at the top): its full path.
      std::vector<std::string> names;
      for (const auto& s : settings)
        if (s.path.find('.') != std::string_view::npos)
          names.emplace_back(s.path.substr(s.path.rfind('.') + 1));
      auto other = detail::suggest(key, names);
      for (const auto& s : settings)
        if (!other.empty() && s.path.find('.') != std::string_view::npos
            && s.path.substr(s.path.rfind('.') + 1) == other && s.path != path)
          near = std::string{s.path};
    }
    if (!near.empty())
      message += "; did you mean " + near + "?";
    problems_.push_back(config_problem{path, std::move(message)});
  }

  void leaf(const setting& s, const json::value& v) {
    std::string path{s.path};
    std::visit(overloaded{
                 [&](double* out) {
                   if (v.is_int64())
                     *out = static_cast<double>(v.get_int64());
                   else if (v.is_uint64())
                     *out = static_cast<double>(v.get_uint64());
                   else if (v.is_double())
                     *out = v.get_double();
                   else
                     problem(path, "expected a number, got " + shape_name(v));
                 },
                 [&](std::int64_t* out) {
                   if (v.is_int64())
                     *out = v.get_int64();
                   else if (v.is_uint64())
                     problem(path, "too large");
                   else
                     problem(path, "expected an integer, got " + shape_name(v));
                 },
                 [&](bool* out) {
                   if (v.is_bool())
                     *out = v.get_bool();
                   else
                     problem(path, "expected true or false, got " + shape_name(v));
                 },
                 [&](duration* out) {
                   auto* text = v.if_string();
                   auto d = text ? parse_duration(*text) : std::nullopt;
                   if (d)
                     *out = *d;
                   else
                     problem(path, std::string{"expected "} + duration_example + ", got "
                                     + shape_name(v));
                 },
                 [&](std::string* out) {
                   if (v.is_string())
                     *out = v.get_string();
                   else
                     problem(path, "expected a string, got " + shape_name(v));
                 },
                 [&](std::vector<std::string>* out) {
                   auto* arr = v.if_array();
                   if (!arr) {
                     problem(path, "expected a sequence of strings, got " + shape_name(v));
                     return;
                   }
                   std::vector<std::string> items;
                   bool ok = true;
                   for (std::size_t i = 0; i < arr->size(); ++i) {
                     if (auto* str = (*arr)[i].if_string()) {
                       items.emplace_back(*str);
                     } else {
                       ok = false;
                       problems_.push_back(config_problem{
                         path + "[" + std::to_string(i) + "]",
                         "expected a string, got " + shape_name((*arr)[i])});
                     }
                   }
                   if (ok)
                     *out = std::move(items);
                   else
                     failed_.insert(path);
                 },
                 [&](log_level* out) {
                   auto* text = v.if_string();
                   auto level = text ? parse_log_level(*text) : std::nullopt;
                   if (level)
                     *out = *level;
                   else
                     problem(path, std::string{"expected "} + log_levels + ", got "
                                     + shape_name(v));
                 },
               },
               s.ref(cfg_));
  }

  operator_config& cfg_;
  config_problems& problems_;
  std::set<std::string>& failed_;
};

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string{s.substr(first, last - first + 1)};
}

template <class T>
bool parse_number(const std::string& text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

// Sets a setting from an environment variable's text; the problem when it does not parse.
std::string set_from_text(const setting& s, operator_config& cfg, const std::string& raw) {
  auto text = trimmed(raw);
  return std::visit(
    overloaded{
      [&](double* out) -> std::string {
        double v = 0;
        if (!parse_number(text, v))
          return "expected a number, got " + json_quoted(raw);
        *out = v;
        return {};
      },
      [&](std::int64_t* out) -> std::string {
        std::int64_t v = 0;
        if (!parse_number(text, v))
          return "expected an integer, got " + json_quoted(raw);
        *out = v;
        return {};
      },
      [&](bool* out) -> std::string {
        std::string lower;
        for (char c : text)
          lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "true" || lower == "1")
          *out = true;
        else if (lower == "false" || lower == "0")
          *out = false;
        else
          return "expected true or false, got " + json_quoted(raw);
        return {};
      },
      [&](duration* out) -> std::string {
        auto d = parse_duration(text);
        if (!d)
          return std::string{"expected "} + duration_example + ", got " + json_quoted(raw);
        *out = *d;
        return {};
      },
      [&](std::string* out) -> std::string {
        *out = text;
        return {};
      },
      [&](std::vector<std::string>* out) -> std::string {
        std::vector<std::string> items;
        std::string_view rest = text;
        while (!rest.empty()) {
          auto comma = rest.find(',');
          auto item = trimmed(rest.substr(0, comma));
          if (!item.empty())
            items.push_back(std::move(item));
          if (comma == std::string_view::npos)
            break;
          rest.remove_prefix(comma + 1);
        }
        *out = std::move(items);
        return {};
      },
      [&](log_level* out) -> std::string {
        auto level = parse_log_level(text);
        if (!level)
          return std::string{"expected "} + log_levels + ", got " + json_quoted(raw);
        *out = *level;
        return {};
      },
    },
    s.ref(cfg));
}

// A setting's value as YAML text (a scalar or a flow sequence).
std::string yaml_value(const setting& s, operator_config& cfg) {
  return std::visit(overloaded{
                      [](double* v) -> std::string {
                        char buf[64];
                        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
                        return ec == std::errc{} ? std::string(buf, end) : std::string{"0"};
                      },
                      [](std::int64_t* v) -> std::string { return std::to_string(*v); },
                      [](bool* v) -> std::string { return std::string{*v ? "true" : "false"}; },
                      [](duration* v) -> std::string { return format_duration(*v); },
                      [](std::string* v) -> std::string { return json_quoted(*v); },
                      [](std::vector<std::string>* v) -> std::string {
                        std::string out = "[";
                        for (std::size_t i = 0; i < v->size(); ++i)
                          out += std::string{i ? ", " : ""} + json_quoted((*v)[i]);
                        return out + "]";
                      },
                      [](log_level* v) -> std::string { return std::string{to_string(*v)}; },
                    },
                    s.ref(cfg));
}

std::string setting_base(const std::string& path) {
  return path.substr(0, path.find('['));
}

// The configuration from a file's documents: one mapping (or none: the defaults).
std::variant<operator_config, config_problems>
from_documents(const std::vector<model::manifest_document>& docs, const std::string& source) {
  operator_config cfg;
  if (docs.empty())
    return cfg;
  if (docs.size() > 1)
    return config_problems{config_problem{
      source, "expected one YAML document, got " + std::to_string(docs.size())}};
  const auto& doc = docs.front();
  if (!doc.ok()) {
    auto message = doc.error;
    // The manifest reader speaks of Kubernetes objects; a configuration is settings.
    std::string_view object = "(a Kubernetes object)";
    auto pos = message.find(object);
    if (pos != std::string::npos)
      message.replace(pos, object.size(), "of settings");
    return config_problems{config_problem{doc.source, message}};
  }
  config_problems problems;
  std::set<std::string> failed;
  decoder d{cfg, problems, failed};
  d.mapping(json::parse(doc.json).as_object(), "");
  auto rules = detail::validate_except(cfg, failed);
  problems.insert(problems.end(), rules.begin(), rules.end());
  if (!problems.empty())
    return problems;
  return cfg;
}

} // namespace

std::vector<std::string> setting_paths() {
  std::vector<std::string> out;
  for (const auto& s : settings)
    out.emplace_back(s.path);
  return out;
}

std::string environment_variable(std::string_view path) {
  std::string out = "BAORESTORE_";
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c == '.')
      out += '_';
    else if (std::isupper(c) && i > 0 && path[i - 1] != '.')
      out += '_', out += static_cast<char>(c);
    else
      out += static_cast<char>(std::toupper(c));
  }
  return out;
}

std::vector<std::string> differing_settings(const operator_config& a, const operator_config& b) {
  auto x = a;
  auto y = b;
  std::vector<std::string> out;
  for (const auto& s : settings)
    if (yaml_value(s, x) != yaml_value(s, y))
      out.emplace_back(s.path);
  return out;
}

std::variant<operator_config, config_problems>
load_config_text(std::string_view text, const std::string& source) {
  model::manifest_limits limits;
  limits.max_bytes = max_config_file_bytes;
  return from_documents(model::read_manifests(text, source, limits), source);
}

std::variant<operator_config, config_problems>
load_config_file(const std::filesystem::path& path) {
  model::manifest_limits limits;
  limits.max_bytes = max_config_file_bytes;
  // Reads at most max_bytes + 1 bytes, whatever the file is (a FIFO too).
  auto file = model::read_manifest_file(path, limits);
  if (!file.error.empty())
    return config_problems{config_problem{{}, file.error}};
  return from_documents(file.documents, path.string());
}

std::optional<std::string> process_getenv(const char* name) {
  if (const char* v = std::getenv(name))
    return std::string{v};
  return std::nullopt;
}

void attribute(config_problems& problems, const setting_origins& origins) {
  for (auto& p : problems) {
    auto i = origins.find(setting_base(p.path));
    if (i != origins.end())
      p.message += " (from " + i->second + ")";
  }
}

config_problems read_environment(operator_config& cfg, const getenv_function& getenv,
                                 setting_origins& origins) {
  config_problems problems;
  for (const auto& s : settings) {
    auto var = environment_variable(s.path);
    auto value = getenv(var.c_str());
    if (!value)
      continue;
    auto why = set_from_text(s, cfg, *value);
    if (why.empty())
      origins[std::string{s.path}] = var;
    else
      problems.push_back(config_problem{var, why});
  }
  return problems;
}

config_problems apply_environment(operator_config& cfg, const getenv_function& getenv) {
  setting_origins origins;
  auto problems = read_environment(cfg, getenv, origins);
  // The settings whose variable did not parse keep their value: their rules are left out.
  std::set<std::string> failed;
  for (const auto& s : settings)
    if (std::any_of(problems.begin(), problems.end(), [&](const config_problem& p) {
          return p.path == environment_variable(s.path);
        }))
      failed.emplace(s.path);
  auto rules = detail::validate_except(cfg, failed);
  attribute(rules, origins);
  problems.insert(problems.end(), rules.begin(), rules.end());
  return problems;
}

std::string to_yaml(const operator_config& cfg) {
  auto copy = cfg;
  std::string out;
  std::string group;
  for (const auto& s : settings) {
    std::string_view path = s.path;
    auto dot = path.find('.');
    std::string this_group{dot == std::string_view::npos ? "" : path.substr(0, dot)};
    if (this_group != group && !this_group.empty())
      out += this_group + ":\n";
    group = this_group;
    out += group.empty() ? "" : "  ";
    out += std::string{dot == std::string_view::npos ? path : path.substr(dot + 1)};
    out += ": " + yaml_value(s, copy) + "\n";
  }
  return out;
}

} // namespace baorestore::config
