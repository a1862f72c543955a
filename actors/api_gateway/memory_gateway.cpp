// The in-memory gateway: a typed adapter over the embedded cluster's object store. Requests
// become store calls on JSON documents (model::encode in, the model's decoders out), store
// errors become api_errc by HTTP code; what is the gateway's own is the call log and the
// scripted faults.
#include "actors/api_gateway/memory_gateway.hpp"

#include <array>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "caf/all.hpp"

#include "actors/api_gateway/detail/memory_kinds.hpp"

namespace baorestore::gateway {

using namespace detail;

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
    case verb::update:
      return "update";
  }
  return "verb(" + std::to_string(static_cast<int>(v)) + ")";
}

struct memory_store::impl {
  struct fault {
    api_errc code = api_errc::server_error;
    int count = 0;
  };

  std::uint64_t uids = 0; // only the store touches it, under its own lock
  dc::object_store objects;
  mutable std::mutex mtx; // guards the call log and the faults
  bool recording = true;
  std::vector<recorded_call> log;
  std::array<fault, 7> faults;

  impl() : objects(options()) {
    objects.define(definition<model::openbao_cluster>());
    objects.define(definition<model::openbao_restore>());
    objects.define(definition<model::job>());
    objects.define(definition<model::secret>());
    objects.define(definition<model::event>());
    objects.define(definition<model::service_account>());
    objects.define(definition<model::lease>());
    objects.add_admission(decodes_as_kind);
  }

  dc::store_options options() {
    dc::store_options o;
    o.watch_window = 1; // the gateway serves no watches
    o.builtin_admission = false; // specs may change here: tests play any writer
    o.uid = [this] { return "uid-" + std::to_string(++uids); };
    return o;
  }

  /// Records a protocol request; returns the scripted fault that answers it, if any.
  template <class T>
  caf::error begin(verb v, std::string_view ns, std::string_view name,
                   std::string_view precondition = {}) {
    std::lock_guard guard{mtx};
    auto& f = faults[static_cast<std::size_t>(v)];
    bool injected = f.count > 0;
    if (recording)
      log.push_back(recorded_call{v, std::string{kind<T>::name}, std::string{ns},
                                  std::string{name}, std::string{precondition}, injected});
    if (!injected)
      return {};
    --f.count;
    return make_api_error(f.code, "injected " + to_string(f.code) + " (" + to_string(v) + " "
                                    + dc::qualified_resource(kind<T>::id) + " \""
                                    + std::string{name} + "\")");
  }

  template <class T>
  T put(const T& x) {
    auto r = objects.seed(kind<T>::id, encode_object(x));
    if (!r)
      throw std::invalid_argument("memory_store::put: " + r.error().message);
    auto out = decode_stored<T>(*r);
    if (!out)
      throw std::invalid_argument("memory_store::put: " + api_error_message(out.error()));
    return std::move(*out);
  }

  /// Every stored object of kind T in `ns`, sorted by name (unrecorded, like lookup).
  template <class T>
  std::vector<T> all(const std::string& ns) const {
    std::vector<T> out;
    auto page = objects.list(kind<T>::id, ns, dc::list_options{});
    if (!page)
      return out;
    for (const auto& obj : page->items)
      if (auto x = decode_stored<T>(obj))
        out.push_back(std::move(*x));
    return out;
  }

  template <class T>
  std::optional<T> lookup(const std::string& ns, const std::string& name) const {
    auto r = objects.get(kind<T>::id, ns, name);
    if (!r)
      return std::nullopt;
    auto out = decode_stored<T>(*r);
    if (!out)
      return std::nullopt;
    return std::move(*out);
  }

  template <class T>
  caf::result<T> get(const get_request<T>& req) {
    if (auto err = begin<T>(verb::get, req.ref.namespace_, req.ref.name))
      return err;
    return decode_stored<T>(objects.get(kind<T>::id, req.ref.namespace_, req.ref.name));
  }

  template <class T>
  caf::result<model::object_list<T>> list(const list_request<T>& req) {
    if (auto err = begin<T>(verb::list, req.namespace_, ""))
      return err;
    dc::list_options opts;
    opts.label_selector = req.label_selector;
    auto page = objects.list(kind<T>::id, req.namespace_, opts);
    if (!page)
      return to_api_error(page.error());
    model::object_list<T> out;
    out.metadata.resource_version = std::to_string(page->resource_version);
    out.items.reserve(page->items.size());
    for (const auto& obj : page->items) {
      auto x = decode_stored<T>(obj);
      if (!x)
        return std::move(x.error());
      out.items.push_back(std::move(*x));
    }
    return out;
  }

  /// Recorded under the name, or the generateName when there is none.
  template <class T>
  caf::result<T> create(const create_request<T>& req) {
    const auto& meta = req.object.metadata;
    if (auto err = begin<T>(verb::create, meta.namespace_,
                            meta.name.empty() ? meta.generate_name : meta.name))
      return err;
    admitted<T>.reset();
    return decode_written<T>(
      objects.create(kind<T>::id, meta.namespace_, encode_object(req.object)));
  }

  template <class T>
  caf::result<T> patch(const patch_request<T>& req, verb v) {
    auto p = parse_patch(req.merge_patch, req.resource_version);
    if (auto err = begin<T>(v, req.ref.namespace_, req.ref.name, p.precondition))
      return err;
    if (!p.ok)
      return make_api_error(api_errc::bad_request, "error decoding patch: not a JSON object");
    auto sub = v == verb::patch_status ? dc::subresource::status : dc::subresource::none;
    admitted<T>.reset();
    return decode_written<T>(
      objects.merge_patch(kind<T>::id, req.ref.namespace_, req.ref.name, p.doc, sub));
  }

  /// PUT: the object's resourceVersion, when set, is the precondition (recorded as such).
  template <class T>
  caf::result<T> update(const update_request<T>& req) {
    const auto& meta = req.object.metadata;
    if (auto err = begin<T>(verb::update, meta.namespace_, meta.name, meta.resource_version))
      return err;
    admitted<T>.reset();
    return decode_written<T>(
      objects.update(kind<T>::id, meta.namespace_, meta.name, encode_object(req.object)));
  }

  caf::result<deleted> erase(const delete_request<model::job>& req) {
    if (auto err = begin<model::job>(verb::delete_, req.ref.namespace_, req.ref.name,
                                     req.precondition_uid))
      return err;
    dc::delete_options opts;
    // Nothing here owns anything a Job would wait for, so foreground is background without
    // the intermediate write of its finalizer: one commit, as the tests expect.
    opts.policy = req.policy == propagation::orphan ? dc::propagation::orphan
                                                    : dc::propagation::background;
    if (!req.precondition_uid.empty())
      opts.uid = req.precondition_uid;
    auto r = objects.remove(kind<model::job>::id, req.ref.namespace_, req.ref.name, opts);
    if (!r)
      return to_api_error(r.error());
    return deleted{};
  }
};

memory_store::memory_store() : impl_(std::make_unique<impl>()) {
  // nop
}

memory_store::~memory_store() = default;

model::openbao_cluster memory_store::put(model::openbao_cluster x) {
  return impl_->put(x);
}

model::openbao_restore memory_store::put(model::openbao_restore x) {
  return impl_->put(x);
}

model::job memory_store::put(model::job x) {
  return impl_->put(x);
}

model::secret memory_store::put(model::secret x) {
  return impl_->put(x);
}

model::service_account memory_store::put(model::service_account x) {
  return impl_->put(x);
}

model::lease memory_store::put(model::lease x) {
  return impl_->put(x);
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

std::optional<model::service_account>
memory_store::service_account(const std::string& ns, const std::string& name) const {
  return impl_->lookup<model::service_account>(ns, name);
}

std::optional<model::lease> memory_store::lease(const std::string& ns,
                                                const std::string& name) const {
  return impl_->lookup<model::lease>(ns, name);
}

std::vector<model::event> memory_store::events(const std::string& ns) const {
  return impl_->all<model::event>(ns);
}

bool memory_store::patch_cluster_status(const std::string& ns, const std::string& name,
                                        const std::string& merge_patch) {
  auto p = parse_patch(merge_patch, "");
  if (!p.ok)
    throw std::invalid_argument("patch_cluster_status: the patch is not a JSON object");
  auto r = impl_->objects.merge_patch(kind<model::openbao_cluster>::id, ns, name, p.doc,
                                      dc::subresource::status);
  admitted<model::openbao_cluster>.reset();
  if (!r && r.error().code == 404)
    return false;
  if (!r)
    throw std::invalid_argument("patch_cluster_status: " + r.error().message);
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
  return impl_->objects.resource_version();
}

namespace {

caf::error no_watches() {
  return make_api_error(api_errc::bad_request, "the in-memory gateway serves no watches");
}

} // namespace

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
    [st](caf::get_atom,
         const get_request<model::service_account>& r) -> caf::result<model::service_account> {
      return st->get(r);
    },
    [st](caf::get_atom, const get_request<model::lease>& r) -> caf::result<model::lease> {
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
    [st](create_atom, const create_request<model::event>& r) -> caf::result<model::event> {
      return st->create(r);
    },
    [st](create_atom, const create_request<model::service_account>& r)
      -> caf::result<model::service_account> { return st->create(r); },
    [st](create_atom, const create_request<model::lease>& r) -> caf::result<model::lease> {
      return st->create(r);
    },
    [st](update_atom, const update_request<model::lease>& r) -> caf::result<model::lease> {
      return st->update(r);
    },
    [st](patch_atom, const patch_request<restore>& r) -> caf::result<restore> {
      return st->patch(r, verb::patch);
    },
    [st](patch_atom, const patch_request<model::job>& r) -> caf::result<model::job> {
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
    // No watches here (the unit tests drive watch consumers with messages of their own);
    // the HTTP gateway serves them.
    [](watch_atom, const watch_request<cluster>&) -> caf::result<std::uint64_t> {
      return no_watches();
    },
    [](watch_atom, const watch_request<restore>&) -> caf::result<std::uint64_t> {
      return no_watches();
    },
    [](unwatch_atom, std::uint64_t) {
      // nop
    },
  };
}

} // namespace baorestore::gateway
