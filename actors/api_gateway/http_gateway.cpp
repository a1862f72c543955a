// The HTTP gateway actor: each protocol request becomes one HTTP exchange (or, for lists,
// one per page) recorded as a `pending` and handed to the dispatch path (http_dispatch.cpp);
// its answer is decoded into the kind's model value here. Watches live in http_watch.cpp.
#include "actors/api_gateway/http_gateway.hpp"

#include <stdexcept>

#include <boost/json.hpp>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/api_gateway/detail/http_gateway_state.hpp"
#include "actors/api_gateway/api_kinds.hpp"
#include "actors/api_gateway/patch_precondition.hpp"

namespace baorestore::gateway {

using namespace detail;

namespace {

namespace json = boost::json;

model::decode_options reply_options(self_ptr self) {
  model::decode_options o;
  o.limits.max_bytes = self->state.config.max_response_bytes;
  return o;
}

/// A 2xx body as the model value; bad_response with the decoder's first error otherwise.
template <class T, class Decoded>
caf::expected<T> from_decoded(Decoded d, std::string_view what) {
  if (!d)
    return make_api_error(api_errc::bad_response,
                          std::string{what} + " in the reply does not decode: "
                            + (d.errors.empty() ? "?" : model::to_string(d.errors.front())));
  return std::move(*d.value);
}

template <class T>
void deliver(caf::typed_response_promise<T>& rp, caf::expected<T> x) {
  if (x)
    rp.deliver(std::move(*x));
  else
    rp.deliver(std::move(x.error()));
}

/// A request whose reply is one object of kind T.
template <class T>
caf::typed_response_promise<T> submit_for(self_ptr self, pending p) {
  auto rp = self->make_response_promise<T>();
  auto opts = reply_options(self);
  p.on_ok = [self, rp, opts](net::client_response& r) mutable {
    auto d = api_kind<T>::decode(r.body, opts);
    if (!d)
      note_undecodable(self, api_kind<T>::path.plural,
                       model::describe_undecodable(r.body, d.errors, opts.limits));
    deliver(rp, from_decoded<T>(std::move(d), api_kind<T>::name));
  };
  p.on_error = [rp](caf::error e) mutable { rp.deliver(std::move(e)); };
  submit(self, std::move(p));
  return rp;
}

/// The cache of a watch of kind T (`w.kind` says which kind a watch has).
template <class T>
object_cache<T>& cache_of(watch_state& w) {
  return *static_cast<object_cache<T>*>(w.cache.get());
}

/// The object as a synced watch of its kind and namespace holds it; null when none does.
template <class T>
const T* find_cached(self_ptr self, const object_ref<T>& ref) {
  auto key = cache_key(ref.namespace_, ref.name);
  for (auto& [id, w] : self->state.watches) {
    if (w.kind != api_kind<T>::name || !w.cache || !w.synced
        || !(w.tenant.empty() || w.tenant == ref.namespace_))
      continue;
    auto& objects = cache_of<T>(w);
    if (auto i = objects.find(key); i != objects.end())
      return &i->second;
  }
  return nullptr;
}

template <class T>
caf::typed_response_promise<T> do_get(self_ptr self, const get_request<T>& req) {
  const auto& k = api_kind<T>::path;
  if (req.cached) {
    if (const T* hit = find_cached(self, req.ref)) {
      self->state.config.counters->record_cache_hit(k.plural);
      auto rp = self->make_response_promise<T>();
      rp.deliver(*hit);
      return rp;
    }
  }
  auto p = make_pending(self, http_verb::get, k.plural, req.ref.namespace_, req.prio);
  p.method = "GET";
  p.target = object_path(k, req.ref.namespace_, req.ref.name);
  return submit_for<T>(self, std::move(p));
}

/// Lists page by page (limit/continue, one consistent snapshot), then answers the whole.
/// Items that do not decode are counted, logged and set aside (`skipped`), never failing
/// the list: one bad object must not hide all the others (DESIGN §2).
template <class T>
void list_pages(self_ptr self, list_request<T> req, std::string continue_token,
                std::shared_ptr<model::lenient_list<T>> acc,
                std::function<void(caf::expected<model::lenient_list<T>>)> done) {
  const auto& k = api_kind<T>::path;
  auto p = make_pending(self, http_verb::list, k.plural, req.namespace_, req.prio);
  list_query q;
  q.label_selector = req.label_selector;
  q.continue_token = continue_token;
  q.limit = 500;
  p.method = "GET";
  p.target = with_query(collection_path(k, req.namespace_), q);
  auto opts = reply_options(self);
  p.on_ok = [self, req, acc, done, opts](net::client_response& r) mutable {
    auto page = from_decoded<model::lenient_list<T>>(api_kind<T>::decode_list(r.body, opts),
                                                     "list");
    if (!page)
      return done(std::move(page.error()));
    for (auto& x : page->list.items)
      acc->list.items.push_back(std::move(x));
    for (auto& x : page->skipped) {
      note_undecodable(self, api_kind<T>::path.plural, x);
      acc->skipped.push_back(std::move(x));
    }
    acc->list.metadata.resource_version = page->list.metadata.resource_version;
    if (page->list.metadata.continue_token.empty())
      return done(std::move(*acc));
    list_pages<T>(self, std::move(req), page->list.metadata.continue_token, acc,
                  std::move(done));
  };
  p.on_error = [done](caf::error e) { done(std::move(e)); };
  submit(self, std::move(p));
}

template <class T>
caf::typed_response_promise<model::object_list<T>> do_list(self_ptr self,
                                                           const list_request<T>& req) {
  auto rp = self->make_response_promise<model::object_list<T>>();
  list_pages<T>(self, req, "", std::make_shared<model::lenient_list<T>>(),
                [rp](caf::expected<model::lenient_list<T>> x) mutable {
                  if (x)
                    rp.deliver(std::move(x->list));
                  else
                    rp.deliver(std::move(x.error()));
                });
  return rp;
}

template <class T>
caf::typed_response_promise<T> do_create(self_ptr self, const create_request<T>& req) {
  const auto& k = api_kind<T>::path;
  const auto& ns = req.object.metadata.namespace_;
  auto p = make_pending(self, http_verb::create, k.plural, ns, req.prio);
  p.method = "POST";
  p.target = collection_path(k, ns);
  p.content_type = "application/json";
  p.body = json::serialize(model::encode(req.object));
  return submit_for<T>(self, std::move(p));
}

/// PUT of the whole object; its resourceVersion, when set, is the server's precondition.
template <class T>
caf::typed_response_promise<T> do_update(self_ptr self, const update_request<T>& req) {
  const auto& k = api_kind<T>::path;
  const auto& meta = req.object.metadata;
  auto p = make_pending(self, http_verb::update, k.plural, meta.namespace_, req.prio);
  p.method = "PUT";
  p.target = object_path(k, meta.namespace_, meta.name);
  p.content_type = "application/json";
  p.body = json::serialize(model::encode(req.object));
  return submit_for<T>(self, std::move(p));
}

template <class T>
caf::typed_response_promise<T> do_patch(self_ptr self, const patch_request<T>& req,
                                        bool status) {
  const auto& k = api_kind<T>::path;
  auto patch = parse_patch(req.merge_patch, req.resource_version);
  if (!patch.ok) {
    auto rp = self->make_response_promise<T>();
    rp.deliver(make_api_error(api_errc::bad_request, "error decoding patch: not a JSON object"));
    return rp;
  }
  auto p = make_pending(self, http_verb::patch, k.plural, req.ref.namespace_, req.prio);
  p.method = "PATCH";
  p.target = object_path(k, req.ref.namespace_, req.ref.name, status ? "status" : "");
  p.content_type = "application/merge-patch+json";
  p.body = json::serialize(patch.doc);
  return submit_for<T>(self, std::move(p));
}

std::string delete_options(const delete_request<model::job>& req) {
  json::object o{{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  switch (req.policy) {
    case propagation::background:
      o["propagationPolicy"] = "Background";
      break;
    case propagation::foreground:
      o["propagationPolicy"] = "Foreground";
      break;
    case propagation::orphan:
      o["propagationPolicy"] = "Orphan";
      break;
  }
  if (!req.precondition_uid.empty())
    o["preconditions"] = json::object{{"uid", req.precondition_uid}};
  return json::serialize(o);
}

caf::typed_response_promise<deleted> do_delete(self_ptr self,
                                               const delete_request<model::job>& req) {
  const auto& k = api_kind<model::job>::path;
  auto p = make_pending(self, http_verb::delete_, k.plural, req.ref.namespace_, req.prio);
  p.method = "DELETE";
  p.target = object_path(k, req.ref.namespace_, req.ref.name);
  p.content_type = "application/json";
  p.body = delete_options(req);
  auto rp = self->make_response_promise<deleted>();
  p.on_ok = [rp](net::client_response&) mutable { rp.deliver(deleted{}); };
  p.on_error = [rp](caf::error e) mutable { rp.deliver(std::move(e)); };
  submit(self, std::move(p));
  return rp;
}

/// A watch of kind T: its relist feeds watch_synced, its events watch_event; both keep the
/// watch's cache (when it has one) up to date before the subscriber hears of them.
template <class T>
std::uint64_t do_watch(self_ptr self, const watch_request<T>& req) {
  watch_state w;
  w.collection = collection_path(api_kind<T>::path, req.namespace_);
  w.kind = api_kind<T>::name;
  w.tenant = req.namespace_;
  w.label_selector = req.label_selector;
  if (req.label_selector.empty())
    w.cache = std::make_shared<object_cache<T>>();
  w.subscriber = req.subscriber;
  auto opts = reply_options(self);
  w.relist = [self, req](std::uint64_t id) {
    list_request<T> lr{req.namespace_, req.label_selector, priority::normal};
    list_pages<T>(self, lr, "", std::make_shared<model::lenient_list<T>>(),
                  [self, id](caf::expected<model::lenient_list<T>> x) {
                    auto i = self->state.watches.find(id);
                    if (i == self->state.watches.end())
                      return;
                    if (!x)
                      return watch_failed(self, id);
                    auto& ws = i->second;
                    auto& list = x->list;
                    ws.resource_version = list.metadata.resource_version;
                    if (ws.cache) {
                      object_cache<T> fresh;
                      for (const auto& obj : list.items)
                        fresh.emplace(cache_key(obj.metadata.namespace_, obj.metadata.name), obj);
                      cache_of<T>(ws) = std::move(fresh);
                      ws.synced = true;
                    }
                    caf::anon_send(ws.subscriber,
                                   watch_synced<T>{id, std::move(list.items),
                                                   list.metadata.resource_version});
                    for (auto& bad : x->skipped)
                      caf::anon_send(ws.subscriber,
                                     watch_undecodable<T>{id, watch_event_type::added,
                                                          std::move(bad)});
                    connect_watch(self, id);
                  });
  };
  w.forward = [self, opts](watch_state& ws, std::uint64_t id, watch_line& line) {
    auto type = line.type == watch_line_type::added     ? watch_event_type::added
                : line.type == watch_line_type::deleted ? watch_event_type::deleted
                                                        : watch_event_type::modified;
    auto d = api_kind<T>::decode(line.object_json, opts);
    if (!d) {
      // Skipped, never a reason to stop: the stream goes on past it (its resourceVersion
      // is where a resumed watch starts), and the subscriber hears what could be read.
      auto bad = model::describe_undecodable(line.object_json, std::move(d.errors), opts.limits);
      if (bad.metadata.resource_version.empty())
        return false; // not even its version reads: this stream cannot be followed
      note_undecodable(self, api_kind<T>::path.plural, bad);
      ws.resource_version = bad.metadata.resource_version;
      if (ws.cache) // a cached get must not answer with its last good version
        cache_of<T>(ws).erase(cache_key(bad.metadata.namespace_, bad.metadata.name));
      caf::anon_send(ws.subscriber, watch_undecodable<T>{id, type, std::move(bad)});
      return true;
    }
    auto& obj = *d.value;
    ws.resource_version = obj.metadata.resource_version;
    if (ws.cache) {
      auto key = cache_key(obj.metadata.namespace_, obj.metadata.name);
      if (type == watch_event_type::deleted)
        cache_of<T>(ws).erase(key);
      else
        cache_of<T>(ws).insert_or_assign(std::move(key), obj);
    }
    caf::anon_send(ws.subscriber, watch_event<T>{id, type, std::move(obj)});
    return true;
  };
  return start_watch(self, std::move(w));
}

net::client_options client_options_for(const http_gateway_config& c) {
  const auto& conn = c.connection;
  net::client_options o;
  o.host = conn.server.host;
  o.port = conn.server.port;
  o.tls = conn.server.tls;
  o.server_name = conn.server_name;
  o.tls_config.ca_pem = conn.ca_pem;
  o.tls_config.client_cert_pem = conn.client_cert_pem;
  o.tls_config.client_key_pem = conn.client_key_pem;
  o.tls_config.insecure_skip_verify = conn.insecure_skip_tls_verify;
  // Watches hold a connection each on top of the requests in flight.
  o.max_connections = c.max_in_flight + c.max_watches;
  o.max_idle_per_host = c.max_in_flight;
  o.max_body_bytes = c.max_response_bytes;
  o.max_header_bytes = c.max_header_bytes;
  return o;
}

http_gateway_impl::behavior_type http_gateway(self_ptr self,
                                              std::shared_ptr<net::http_client> client,
                                              http_gateway_config config) {
  auto& st = self->state;
  st.client = std::move(client);
  st.token = config.connection.token_file.empty()
               ? token_source::fixed(config.connection.token)
               : token_source::from_file(config.connection.token_file);
  if (config.qps > 0)
    st.bucket.emplace(config.qps, config.burst, clock_type::now());
  st.config = std::move(config);
  self->set_down_handler([self](caf::down_msg& dm) { stop_watches_of(self, dm.source); });
  return {
    [self](caf::get_atom, const get_request<cluster>& r) { return do_get(self, r); },
    [self](caf::get_atom, const get_request<restore>& r) { return do_get(self, r); },
    [self](caf::get_atom, const get_request<model::job>& r) { return do_get(self, r); },
    [self](caf::get_atom, const get_request<model::secret>& r) { return do_get(self, r); },
    [self](caf::get_atom, const get_request<model::service_account>& r) {
      return do_get(self, r);
    },
    [self](caf::get_atom, const get_request<model::lease>& r) { return do_get(self, r); },
    [self](list_atom, const list_request<cluster>& r) { return do_list(self, r); },
    [self](list_atom, const list_request<restore>& r) { return do_list(self, r); },
    [self](create_atom, const create_request<model::job>& r) { return do_create(self, r); },
    [self](create_atom, const create_request<model::event>& r) { return do_create(self, r); },
    [self](create_atom, const create_request<model::service_account>& r) {
      return do_create(self, r);
    },
    [self](create_atom, const create_request<model::lease>& r) { return do_create(self, r); },
    [self](update_atom, const update_request<model::lease>& r) { return do_update(self, r); },
    [self](patch_atom, const patch_request<restore>& r) { return do_patch(self, r, false); },
    [self](patch_atom, const patch_request<model::job>& r) { return do_patch(self, r, false); },
    [self](patch_status_atom, const patch_request<cluster>& r) {
      return do_patch(self, r, true);
    },
    [self](patch_status_atom, const patch_request<restore>& r) {
      return do_patch(self, r, true);
    },
    [self](caf::delete_atom, const delete_request<model::job>& r) {
      return do_delete(self, r);
    },
    [self](watch_atom, const watch_request<cluster>& r) { return do_watch(self, r); },
    [self](watch_atom, const watch_request<restore>& r) { return do_watch(self, r); },
    [self](unwatch_atom, std::uint64_t id) { stop_watch(self, id); },
    [self](done_atom, std::uint64_t id, transport_result& r) { on_done(self, id, r); },
    [self](dispatch_atom) {
      self->state.dispatch_armed = false;
      dispatch(self);
    },
    [self](retry_atom, std::uint64_t id) { on_retry(self, id); },
    [self](wline_atom, std::uint64_t id, std::uint64_t gen, std::string& line) {
      on_watch_line(self, id, gen, line);
    },
    [self](wend_atom, std::uint64_t id, std::uint64_t gen, stream_end& end) {
      on_watch_end(self, id, gen, end);
    },
    [self](wresume_atom, std::uint64_t id, std::uint64_t gen) {
      on_watch_resume(self, id, gen);
    },
  };
}

} // namespace

detail::http_gateway_state::~http_gateway_state() {
  // Fail what is in flight (the completions find no actor) and join the Asio threads.
  if (client)
    client->stop();
}

api_gateway_actor spawn_http_gateway(caf::actor_system& sys, http_gateway_config config) {
  if (!config.counters)
    config.counters = std::make_shared<gateway_counters>();
  // Made here, on the caller's thread, so that bad TLS material throws to the caller.
  auto client = std::make_shared<net::http_client>(client_options_for(config));
  return sys.spawn(http_gateway, std::move(client), std::move(config));
}

} // namespace baorestore::gateway
