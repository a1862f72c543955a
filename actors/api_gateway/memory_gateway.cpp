#include "actors/api_gateway/memory_gateway.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

#include <boost/json.hpp>

#include "caf/all.hpp"

#include "actors/api_gateway/detail/memory_objects.hpp"
#include "actors/api_gateway/label_selector.hpp"
#include "model/names.hpp"

namespace baorestore::gateway {

using namespace baorestore::gateway::detail;

std::string to_string(verb v) {
  switch (v) {
    case verb::get:
      return "get";
    case verb::list:
      return "list";
    case verb::create:
      return "create";
    case verb::patch:
      return "patch";
    case verb::patch_status:
      return "patch_status";
    case verb::delete_:
      return "delete";
  }
  return "verb(" + std::to_string(static_cast<int>(v)) + ")";
}

struct memory_store::impl {
  struct fault {
    api_errc code = api_errc::server_error;
    int count = 0;
  };

  mutable std::mutex mtx;
  std::uint64_t rv = 0;
  std::uint64_t uids = 0;
  std::uint64_t generated = 0;
  table<model::openbao_cluster> clusters;
  table<model::openbao_restore> restores;
  table<model::job> jobs;
  table<model::secret> secrets;
  bool recording = true;
  std::vector<recorded_call> log;
  std::array<fault, 6> faults;

  template <class T>
  table<T>& objects() {
    if constexpr (std::is_same_v<T, model::openbao_cluster>)
      return clusters;
    else if constexpr (std::is_same_v<T, model::openbao_restore>)
      return restores;
    else if constexpr (std::is_same_v<T, model::job>)
      return jobs;
    else
      return secrets;
  }

  template <class T>
  const T* find(std::string_view ns, std::string_view name) {
    auto& t = objects<T>();
    auto i = t.find(key_view{ns, name});
    return i == t.end() ? nullptr : &i->second;
  }

  template <class T>
  std::optional<T> lookup(std::string_view ns, std::string_view name) {
    std::lock_guard guard{mtx};
    if (auto* x = find<T>(ns, name))
      return *x;
    return std::nullopt;
  }

  /// Records a protocol request; returns the scripted fault that answers it, if any.
  template <class T>
  caf::error begin(verb v, std::string_view ns, std::string_view name,
                   std::string_view precondition = {}) {
    auto& f = faults[static_cast<std::size_t>(v)];
    bool injected = f.count > 0;
    if (recording)
      log.push_back(recorded_call{v, std::string{traits<T>::kind}, std::string{ns},
                                  std::string{name}, std::string{precondition}, injected});
    if (!injected)
      return {};
    --f.count;
    return make_api_error(f.code, "injected " + to_string(f.code) + " (" + to_string(v)
                                    + " " + quoted<T>(name) + ")");
  }

  /// Seeding: keeps what is set, fills in what a create would, always a fresh version.
  template <class T>
  T put(T x) {
    auto& m = x.metadata;
    if (m.name.empty() && m.generate_name.empty())
      throw std::invalid_argument("memory_store::put: metadata.name is empty");
    std::lock_guard guard{mtx};
    if (m.name.empty())
      m.name = m.generate_name + name_suffix(++generated);
    if (m.uid.empty())
      m.uid = "uid-" + std::to_string(++uids);
    if (!m.creation_timestamp)
      m.creation_timestamp = now();
    if (traits<T>::has_generation && m.generation == 0)
      m.generation = 1;
    m.resource_version = std::to_string(++rv);
    objects<T>().insert_or_assign(object_key{m.namespace_, m.name}, x);
    return x;
  }

  template <class T>
  caf::result<T> get(const get_request<T>& req) {
    std::lock_guard guard{mtx};
    if (auto err = begin<T>(verb::get, req.ref.namespace_, req.ref.name))
      return err;
    if (auto* x = find<T>(req.ref.namespace_, req.ref.name))
      return *x;
    return not_found<T>(req.ref.name);
  }

  template <class T>
  caf::result<model::object_list<T>> list(const list_request<T>& req) {
    auto selector = parse_label_selector(req.label_selector);
    model::object_list<T> out;
    {
      std::lock_guard guard{mtx};
      if (auto err = begin<T>(verb::list, req.namespace_, ""))
        return err;
      if (!selector)
        return make_api_error(api_errc::bad_request,
                              "unable to parse label selector \"" + req.label_selector + '"');
      for (const auto& [key, x] : objects<T>())
        if ((req.namespace_.empty() || key.ns == req.namespace_)
            && matches(*selector, x.metadata.labels))
          out.items.push_back(x);
      out.metadata.resource_version = std::to_string(rv);
    }
    std::sort(out.items.begin(), out.items.end(), [](const T& a, const T& b) {
      return std::tie(a.metadata.namespace_, a.metadata.name)
             < std::tie(b.metadata.namespace_, b.metadata.name);
    });
    return out;
  }

  caf::result<model::job> create(const create_request<model::job>& req) {
    const auto& meta = req.object.metadata;
    std::lock_guard guard{mtx};
    if (auto err = begin<model::job>(verb::create, meta.namespace_,
                                     meta.name.empty() ? meta.generate_name : meta.name))
      return err;
    auto name = meta.name.empty() && !meta.generate_name.empty()
                  ? meta.generate_name + name_suffix(++generated)
                  : meta.name;
    model::field_errors errors;
    if (name.empty())
      errors.push_back({"metadata.name", "Required value: name or generateName is required"});
    else if (!model::is_dns1123_subdomain(name))
      errors.push_back({"metadata.name", "Invalid value: \"" + name
                                           + "\": must be a lowercase RFC 1123 subdomain"});
    if (meta.namespace_.empty())
      errors.push_back({"metadata.namespace", "Required value"});
    if (!errors.empty())
      return invalid<model::job>(name, errors);
    if (find<model::job>(meta.namespace_, name))
      return make_api_error(api_errc::already_exists, quoted<model::job>(name)
                                                        + " already exists");
    model::job x = req.object;
    x.metadata.name = std::move(name);
    x.metadata.uid = "uid-" + std::to_string(++uids);
    x.metadata.resource_version = std::to_string(++rv);
    x.metadata.generation = 1;
    x.metadata.creation_timestamp = now();
    x.metadata.deletion_timestamp.reset();
    x.status = {}; // status subresource: a create sets no status
    jobs.emplace(object_key{x.metadata.namespace_, x.metadata.name}, x);
    return x;
  }

  /// A merge patch of the object (`status` false) or of its status subresource, with the
  /// API server's semantics. The caller holds the lock.
  template <class T>
  caf::expected<const T*> apply_patch(const object_ref<T>& ref, const parsed_patch& p,
                                      bool status) {
    auto& t = objects<T>();
    auto i = t.find(key_view{ref.namespace_, ref.name});
    if (i == t.end())
      return not_found<T>(ref.name);
    T& cur = i->second;
    if (!p.resource_version.empty() && p.resource_version != cur.metadata.resource_version)
      return stale<T>(ref.name);
    const auto& patch = p.doc.as_object();
    if (status) {
      auto* status_patch = patch.if_contains("status");
      if (!status_patch)
        return &cur; // nothing of the status: a no-op
      auto next = patched_status(cur, *status_patch);
      if (!next)
        return std::move(next.error());
      if (*next == cur.status)
        return &cur; // no-op: the API server writes nothing and keeps the version
      cur.status = std::move(*next);
    } else {
      auto next = patched(cur, patch);
      if (!next)
        return std::move(next.error());
      auto& m = next->metadata;
      m.name = cur.metadata.name;
      m.generate_name = cur.metadata.generate_name;
      m.namespace_ = cur.metadata.namespace_;
      m.uid = cur.metadata.uid;
      m.resource_version = cur.metadata.resource_version;
      m.generation = cur.metadata.generation;
      m.creation_timestamp = cur.metadata.creation_timestamp;
      m.deletion_timestamp = cur.metadata.deletion_timestamp;
      bool spec_changed = next->spec != cur.spec;
      if (!spec_changed && m == cur.metadata)
        return &cur;
      if (spec_changed)
        ++m.generation;
      next->status = std::move(cur.status);
      cur = std::move(*next);
    }
    cur.metadata.resource_version = std::to_string(++rv);
    return &cur;
  }

  template <class T>
  caf::result<T> patch(const patch_request<T>& req, verb v) {
    auto p = parse_patch(req); // outside the lock
    std::lock_guard guard{mtx};
    if (auto err = begin<T>(v, req.ref.namespace_, req.ref.name, p.resource_version))
      return err;
    if (!p.ok)
      return make_api_error(api_errc::bad_request, "error decoding patch: not a JSON object");
    auto res = apply_patch(req.ref, p, v == verb::patch_status);
    if (!res)
      return std::move(res.error());
    return **res;
  }

  caf::result<deleted> erase(const delete_request<model::job>& req) {
    std::lock_guard guard{mtx};
    if (auto err = begin<model::job>(verb::delete_, req.ref.namespace_, req.ref.name,
                                     req.precondition_uid))
      return err;
    auto i = jobs.find(key_view{req.ref.namespace_, req.ref.name});
    if (i == jobs.end())
      return not_found<model::job>(req.ref.name);
    const auto& uid = i->second.metadata.uid;
    if (!req.precondition_uid.empty() && req.precondition_uid != uid)
      return conflict<model::job>(req.ref.name, "Precondition failed: UID in precondition: "
                                                  + req.precondition_uid
                                                  + ", UID in object meta: " + uid);
    jobs.erase(i);
    ++rv; // a deletion is a write: watchers see it at a new version
    return deleted{};
  }
};

memory_store::memory_store() : impl_(std::make_unique<impl>()) {
  // nop
}

memory_store::~memory_store() = default;

model::openbao_cluster memory_store::put(model::openbao_cluster x) {
  return impl_->put(std::move(x));
}

model::openbao_restore memory_store::put(model::openbao_restore x) {
  return impl_->put(std::move(x));
}

model::job memory_store::put(model::job x) {
  return impl_->put(std::move(x));
}

model::secret memory_store::put(model::secret x) {
  return impl_->put(std::move(x));
}

std::optional<model::openbao_cluster> memory_store::cluster(const std::string& ns,
                                                            const std::string& name) const {
  return impl_->lookup<model::openbao_cluster>(ns, name);
}

std::optional<model::openbao_restore> memory_store::restore(const std::string& ns,
                                                            const std::string& name) const {
  return impl_->lookup<model::openbao_restore>(ns, name);
}

std::optional<model::job> memory_store::job(const std::string& ns,
                                            const std::string& name) const {
  return impl_->lookup<model::job>(ns, name);
}

bool memory_store::patch_cluster_status(const std::string& ns, const std::string& name,
                                        const std::string& merge_patch) {
  patch_request<model::openbao_cluster> req{{ns, name}, merge_patch, {}, priority::normal};
  auto p = parse_patch(req);
  if (!p.ok)
    throw std::invalid_argument("patch_cluster_status: the patch is not a JSON object");
  std::lock_guard guard{impl_->mtx};
  auto res = impl_->apply_patch(req.ref, p, true);
  if (!res && res.error() == api_errc::not_found)
    return false;
  if (!res)
    throw std::invalid_argument("patch_cluster_status: " + api_error_message(res.error()));
  return true;
}

void memory_store::fail_next(gateway::verb v, api_errc code, int count) {
  std::lock_guard guard{impl_->mtx};
  impl_->faults[static_cast<std::size_t>(v)] = impl::fault{code, count};
}

std::vector<recorded_call> memory_store::calls() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->log;
}

void memory_store::clear_calls() {
  std::lock_guard guard{impl_->mtx};
  impl_->log.clear();
}

void memory_store::record_calls(bool on) {
  std::lock_guard guard{impl_->mtx};
  impl_->recording = on;
}

std::uint64_t memory_store::resource_version() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->rv;
}

api_gateway_actor::behavior_type memory_gateway(api_gateway_actor::pointer,
                                                std::shared_ptr<memory_store> store) {
  // The handlers share `store`, which keeps `st` alive as long as the behaviour.
  auto* st = store->impl_.get();
  return {
    [store, st](caf::get_atom, const get_request<cluster>& r) -> caf::result<cluster> {
      return st->get(r);
    },
    [st](caf::get_atom, const get_request<restore>& r) -> caf::result<restore> {
      return st->get(r);
    },
    [st](caf::get_atom, const get_request<model::job>& r) -> caf::result<model::job> {
      return st->get(r);
    },
    [st](caf::get_atom, const get_request<model::secret>& r) -> caf::result<model::secret> {
      return st->get(r);
    },
    [st](list_atom,
         const list_request<cluster>& r) -> caf::result<model::object_list<cluster>> {
      return st->list(r);
    },
    [st](list_atom,
         const list_request<restore>& r) -> caf::result<model::object_list<restore>> {
      return st->list(r);
    },
    [st](create_atom, const create_request<model::job>& r) -> caf::result<model::job> {
      return st->create(r);
    },
    [st](patch_atom, const patch_request<restore>& r) -> caf::result<restore> {
      return st->patch(r, verb::patch);
    },
    [st](patch_status_atom, const patch_request<cluster>& r) -> caf::result<cluster> {
      return st->patch(r, verb::patch_status);
    },
    [st](patch_status_atom, const patch_request<restore>& r) -> caf::result<restore> {
      return st->patch(r, verb::patch_status);
    },
    [st](caf::delete_atom, const delete_request<model::job>& r) -> caf::result<deleted> {
      return st->erase(r);
    },
  };
}

} // namespace baorestore::gateway
