// The HTTP gateway's watches: list, then stream from the list's resourceVersion; resume from
// the last seen resourceVersion when a stream ends (the server's timeout, a dropped
// connection), relist when the server says 410 Gone (the version is too old) so that the
// subscriber gets the full state again (watch_synced) and never misses a change.
#include <algorithm>

#include "caf/all.hpp"

#include "actors/api_gateway/api_errc.hpp"
#include "actors/api_gateway/detail/http_gateway_state.hpp"
#include "model/codec.hpp"

namespace baorestore::gateway::detail {

namespace {

/// Reconnect backoff: 0 after a clean end, else doubling from 100 ms up to 10 s, jittered.
std::chrono::milliseconds reconnect_delay(self_ptr self, int failures) {
  if (failures <= 0)
    return std::chrono::milliseconds{0};
  auto cap = std::min<std::int64_t>(10'000, 100ll << std::min(failures - 1, 7));
  std::uniform_int_distribution<std::int64_t> d{cap / 2, cap};
  return std::chrono::milliseconds{d(self->state.rng)};
}

void resume_later(self_ptr self, std::uint64_t id, watch_state& w) {
  if (w.stream) {
    w.stream->cancel();
    w.stream.reset();
  }
  auto gen = ++w.generation; // callbacks of the cancelled stream are now stale
  self->delayed_send(self, reconnect_delay(self, w.failures), wresume_atom_v, id, gen);
}

void relist_now(std::uint64_t id, watch_state& w) {
  if (w.stream) {
    w.stream->cancel();
    w.stream.reset();
  }
  ++w.generation;
  w.resource_version.clear();
  w.synced = false; // events were missed: cached gets go to the server until the list is in
  w.relist(id);
}

/// An ERROR event carries a metav1.Status: 410 means relist, anything else resume later.
void on_error_event(self_ptr self, std::uint64_t id, watch_state& w, const watch_line& line) {
  auto status = parse_status(line.object_json);
  if (status && status->code == 410) {
    relist_now(id, w);
    return;
  }
  ++w.failures;
  resume_later(self, id, w);
}

} // namespace

std::uint64_t start_watch(self_ptr self, watch_state w) {
  auto& st = self->state;
  auto id = st.next_id++;
  self->monitor(w.subscriber);
  auto& placed = st.watches.emplace(id, std::move(w)).first->second;
  placed.relist(id);
  return id;
}

void connect_watch(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto i = st.watches.find(id);
  if (i == st.watches.end())
    return;
  auto& w = i->second;
  auto gen = ++w.generation;
  list_query q;
  q.label_selector = w.label_selector;
  q.resource_version = w.resource_version;
  q.watch = true;
  q.allow_bookmarks = true;
  q.timeout_seconds = static_cast<int>(st.config.watch_timeout.count());
  net::client_request req;
  req.method = "GET";
  req.target = with_query(w.collection, q);
  req.headers = base_headers(self);
  // The deadline bounds connecting and the response head; the stream then runs until the
  // server's timeoutSeconds ends it.
  req.deadline = clock_type::now() + st.config.request_timeout;
  net::stream_handlers h;
  auto addr = self->address();
  // A watch that connects is a good answer (on the client's thread: the counters are
  // thread-safe); one refused or untrusted is reported by on_watch_end.
  h.on_status = [counters = st.config.counters](int status) {
    if (status >= 200 && status < 300)
      counters->record_reachable();
  };
  h.on_line = [addr, id, gen](std::string line) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, wline_atom_v, id, gen, std::move(line));
  };
  h.on_end = [addr, id, gen](std::optional<net::client_error> e,
                             std::optional<net::client_response> non_ok) {
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, wend_atom_v, id, gen, stream_end{std::move(e), std::move(non_ok)});
  };
  w.stream = st.client->stream(std::move(req), std::move(h));
}

void watch_failed(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto i = st.watches.find(id);
  if (i == st.watches.end())
    return;
  ++i->second.failures;
  i->second.resource_version.clear();
  resume_later(self, id, i->second);
}

void on_watch_line(self_ptr self, std::uint64_t id, std::uint64_t generation,
                   std::string& text) {
  auto& st = self->state;
  auto i = st.watches.find(id);
  if (i == st.watches.end() || i->second.generation != generation)
    return;
  auto& w = i->second;
  std::string error;
  auto line = parse_watch_line(text, &error);
  if (!line) {
    // A stream that sends something else than events cannot be trusted to be complete.
    ++w.failures;
    resume_later(self, id, w);
    return;
  }
  switch (line->type) {
    case watch_line_type::error:
      on_error_event(self, id, w, *line);
      return;
    case watch_line_type::bookmark:
      if (auto head = model::decode_object_head(line->object_json); head)
        w.resource_version = head.value->metadata.resource_version;
      return;
    default:
      if (!w.forward(w, id, *line)) {
        ++w.failures;
        resume_later(self, id, w);
        return;
      }
      w.failures = 0;
  }
}

void on_watch_end(self_ptr self, std::uint64_t id, std::uint64_t generation, stream_end& end) {
  auto& st = self->state;
  auto i = st.watches.find(id);
  if (i == st.watches.end() || i->second.generation != generation)
    return;
  auto& w = i->second;
  w.stream.reset();
  if (end.error)
    note_exchange(self, *end.error);
  else if (end.non_ok)
    note_exchange(self, end.non_ok->status, end.non_ok->body);
  if (end.non_ok && end.non_ok->status == 410) {
    relist_now(id, w);
    return;
  }
  if (end.error || end.non_ok)
    ++w.failures;
  resume_later(self, id, w);
}

void on_watch_resume(self_ptr self, std::uint64_t id, std::uint64_t generation) {
  auto& st = self->state;
  auto i = st.watches.find(id);
  if (i == st.watches.end() || i->second.generation != generation)
    return;
  if (i->second.resource_version.empty())
    i->second.relist(id);
  else
    connect_watch(self, id);
}

void stop_watch(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto i = st.watches.find(id);
  if (i == st.watches.end())
    return;
  if (i->second.stream)
    i->second.stream->cancel();
  st.watches.erase(i);
}

void stop_watches_of(self_ptr self, const caf::actor_addr& subscriber) {
  auto& st = self->state;
  for (auto i = st.watches.begin(); i != st.watches.end();) {
    if (i->second.subscriber.address() == subscriber) {
      if (i->second.stream)
        i->second.stream->cancel();
      i = st.watches.erase(i);
    } else {
      ++i;
    }
  }
}

} // namespace baorestore::gateway::detail
