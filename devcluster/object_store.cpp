// The object store: construction and recovery, create, get, list and watch events.
// Writes are in store_write.cpp, deletes and garbage collection in store_delete.cpp.
#include "devcluster/object_store.hpp"

#include "devcluster/detail/store_impl.hpp"
#include "devcluster/selectors.hpp"
#include "model/base64.hpp"
#include "model/names.hpp"

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

constexpr std::string_view subdomain_rule =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
  "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
  "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

// Continue tokens: base64 of {"rv":<list rv>,"ns":..,"name":..}, the last key served.
std::string make_token(std::uint64_t list_rv, const object_key& last) {
  return model::base64_encode(json::serialize(
    json::object{{"rv", list_rv}, {"ns", last.ns}, {"name", last.name}}));
}

std::optional<std::pair<std::uint64_t, object_key>> read_token(std::string_view token) {
  auto text = model::base64_decode(token);
  if (!text)
    return std::nullopt;
  boost::system::error_code ec;
  auto doc = json::parse(*text, ec);
  auto* o = doc.if_object();
  if (ec || !o)
    return std::nullopt;
  auto* rv = o->if_contains("rv");
  auto* ns = o->if_contains("ns");
  auto* name = o->if_contains("name");
  if (!rv || !rv->is_number() || !ns || !ns->is_string() || !name || !name->is_string())
    return std::nullopt;
  return std::pair{rv->to_number<std::uint64_t>(),
                   object_key{std::string{ns->get_string()}, std::string{name->get_string()}}};
}

} // namespace

object_store::impl::impl(store_options o)
  : opts(std::move(o)),
    hooks(opts.builtin_admission ? builtin_admission() : std::vector<admission_hook>{}),
    events(opts.watch_window) {
  if (!opts.clock)
    opts.clock = [] {
      return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    };
  rng.seed(opts.seed != 0 ? opts.seed : (std::uint64_t{std::random_device{}()} << 32)
                                          ^ std::random_device{}());
}

model::timestamp object_store::impl::now() const {
  return opts.clock();
}

std::string object_store::impl::new_uid() {
  return opts.uid ? opts.uid() : random_uid(rng);
}

const resource_def* object_store::impl::def(const resource_id& res) const {
  auto i = defs.find(res);
  return i == defs.end() ? nullptr : &i->second;
}

store_error object_store::impl::unknown_resource() {
  store_error e;
  e.code = 404;
  e.reason = "NotFound";
  e.message = "the server could not find the requested resource";
  return e;
}

json::object* object_store::impl::find(const resource_id& res, const std::string& ns,
                                       const std::string& name) {
  auto b = objects.find(res);
  if (b == objects.end())
    return nullptr;
  auto i = b->second.find(object_key{ns, name});
  return i == b->second.end() ? nullptr : &i->second;
}

status_causes object_store::impl::admit(const resource_def& d, const json::object* old,
                                        const json::object& updated) const {
  auto out = object_meta_rules(d, old, updated); // kube's own rules: always
  for (const auto& hook : hooks)
    for (auto& c : hook(d, old, updated))
      out.push_back(std::move(c));
  return out;
}

object_store::object_store(store_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {
  if (!impl_->opts.data_dir)
    return;
  record_log::recovered rec;
  impl_->disk = std::make_unique<record_log>(*impl_->opts.data_dir, rec);
  impl_->dropped = rec.dropped_bytes;
  for (std::size_t i = 0; i < rec.records.size(); ++i)
    if (impl_->replay(rec.records[i], i == 0))
      impl_->disk->set_base(record_log::header_bytes + rec.records[i].size());
}

object_store::~object_store() = default;

void object_store::define(resource_def def) {
  std::lock_guard guard{impl_->mu};
  auto id = def.id;
  impl_->defs[id] = std::move(def);
}

std::optional<resource_def> object_store::definition(const resource_id& res) const {
  std::lock_guard guard{impl_->mu};
  if (auto* d = impl_->def(res))
    return *d;
  return std::nullopt;
}

void object_store::add_admission(admission_hook hook) {
  std::lock_guard guard{impl_->mu};
  impl_->hooks.push_back(std::move(hook));
}

result<json::object> object_store::create(const resource_id& res, const std::string& ns,
                                          json::object obj) {
  std::lock_guard guard{impl_->mu};
  auto* d = impl_->def(res);
  if (!d)
    return impl::unknown_resource();
  if (d->namespaced && ns.empty())
    return bad_request("the namespace of the object must be set for a namespaced resource");
  auto want_api = api_version(res);
  for (auto [field, expected] : {std::pair<std::string_view, std::string_view>{"apiVersion", want_api},
                                 {"kind", d->kind}}) {
    auto* v = obj.if_contains(field);
    if (!v || (v->is_string() && v->get_string().empty()))
      obj[field] = expected;
    else if (!v->is_string() || v->get_string() != expected)
      return bad_request("the " + std::string{field} + " of the object does not match the "
                         "expected " + std::string{field} + " " + std::string{expected});
  }
  auto& meta = metadata_of(obj);
  auto body_ns = meta_string(obj, "namespace");
  if (!d->namespaced)
    meta.erase("namespace"); // as the API server does for cluster-scoped kinds
  else if (body_ns.empty())
    meta["namespace"] = ns;
  else if (body_ns != ns)
    return bad_request("the namespace of the provided object does not match the namespace "
                       "sent on the request");
  std::string name{meta_string(obj, "name")};
  auto generate = meta_string(obj, "generateName");
  if (name.empty() && generate.empty())
    return invalid(*d, "", {{"FieldValueRequired",
                             "Required value: name or generateName is required",
                             "metadata.name"}});
  if (name.empty()) {
    // Retry a few suffixes on a clash; the API server returns AlreadyExists after that.
    for (int i = 0; i < 8 && (name.empty() || impl_->find(res, ns, name)); ++i)
      name = std::string{generate} + name_suffix(impl_->rng);
    meta["name"] = name;
  }
  if (!model::is_dns1123_subdomain(name))
    return invalid(*d, name, {{"FieldValueInvalid",
                               "Invalid value: \"" + name + "\": " + std::string{subdomain_rule},
                               "metadata.name"}});
  auto key_ns = d->namespaced ? ns : std::string{};
  if (impl_->find(res, key_ns, name))
    return already_exists(res, name);
  for (auto f : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"})
    meta.erase(f);
  meta["uid"] = impl_->new_uid();
  meta["creationTimestamp"] = model::format_rfc3339(impl_->now());
  meta["generation"] = 1;
  if (d->status_subresource)
    obj.erase("status");
  if (auto causes = impl_->admit(*d, nullptr, obj); !causes.empty())
    return invalid(*d, name, std::move(causes));
  auto done = impl_->commit({change{event_type::added, res, std::move(obj)}});
  if (!done)
    return done.error();
  return std::move(done->front());
}

result<json::object> object_store::get(const resource_id& res, const std::string& ns,
                                       const std::string& name) const {
  std::lock_guard guard{impl_->mu};
  if (!impl_->def(res))
    return impl::unknown_resource();
  if (auto* obj = impl_->find(res, ns, name))
    return *obj;
  return not_found(res, name);
}

result<list_page> object_store::list(const resource_id& res, const std::string& ns,
                                     const list_options& opts) const {
  std::lock_guard guard{impl_->mu};
  auto* d = impl_->def(res);
  if (!d)
    return impl::unknown_resource();
  auto labels = model::parse_label_selector(opts.label_selector);
  if (!labels)
    return bad_request("unable to parse requirement: invalid label selector: \""
                       + opts.label_selector + "\"");
  auto fields = parse_field_selector(opts.field_selector, *d);
  if (!fields)
    return fields.error();
  list_page page;
  page.resource_version = impl_->rv;
  std::optional<object_key> after;
  if (!opts.continue_token.empty()) {
    auto token = read_token(opts.continue_token);
    if (!token)
      return bad_request("continue key is not valid: malformed continue token");
    page.resource_version = token->first;
    after = std::move(token->second);
  }
  auto limit = opts.limit == 0 ? std::size_t{0} : std::min(opts.limit, impl_->opts.max_page_size);
  auto b = impl_->objects.find(res);
  if (b == impl_->objects.end())
    return page;
  auto& bucket = b->second;
  auto it = after ? bucket.upper_bound(*after) : bucket.lower_bound(object_key{ns, ""});
  std::optional<object_key> last_served;
  for (; it != bucket.end(); ++it) {
    if (!ns.empty() && it->first.ns != ns)
      break;
    if (!matches_labels(*labels, it->second) || !matches_fields(*fields, it->second))
      continue;
    if (limit != 0 && page.items.size() == limit) {
      // Another match exists: hand out a token that resumes after the last one served.
      page.continue_token = make_token(page.resource_version, *last_served);
      break;
    }
    page.items.push_back(it->second);
    last_served = it->first;
  }
  return page;
}

result<std::vector<watch_event>> object_store::events_since(const resource_id& res,
                                                            const std::string& ns,
                                                            std::uint64_t rv) const {
  std::lock_guard guard{impl_->mu};
  if (!impl_->def(res))
    return impl::unknown_resource();
  return impl_->events.since(res, ns, rv);
}

std::uint64_t object_store::resource_version() const {
  std::lock_guard guard{impl_->mu};
  return impl_->rv;
}

log_stats object_store::disk_stats() const {
  std::lock_guard guard{impl_->mu};
  log_stats out;
  if (impl_->disk)
    out.bytes = impl_->disk->size();
  out.compactions = impl_->compactions;
  out.last_error = impl_->compaction_error;
  return out;
}

std::uint64_t object_store::dropped_on_open() const {
  std::lock_guard guard{impl_->mu};
  return impl_->dropped;
}

} // namespace baorestore::devcluster
