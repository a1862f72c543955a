#pragma once
// A watch as a stream of JSON events (KUBECTL.md §6): first the synthetic ADDED events the
// caller lists for resourceVersion 0 or empty (kubectl discards the first event it sees,
// expecting one), then every change after the start resourceVersion, polled from the
// store's watch log. Events that are too old end the stream with an ERROR 410 event (the
// reflector then re-lists). BOOKMARKs only when the client asked (kubectl get -w prints
// them as junk rows otherwise). With a Table Accept each object is a one-row Table.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "devcluster/api/registry.hpp"
#include "devcluster/api/table.hpp"
#include "devcluster/object_store.hpp"
#include "devcluster/selectors.hpp"
#include "net/http_message.hpp"

namespace baorestore::devcluster::api {

struct watch_request {
  served_resource resource;
  std::string ns; // "" watches every namespace
  model::selector labels;
  model::selector fields;
  std::uint64_t from_rv = 0;
  std::vector<boost::json::object> initial; // sent as ADDED first
  bool bookmarks = false;
  bool table = false;
  include_object include = include_object::metadata;
  std::chrono::seconds timeout{0}; // 0: until the client goes away
  std::chrono::seconds bookmark_every{30};
  std::function<model::timestamp()> clock;
  /// Released with the source: the owner's count of open watches.
  std::shared_ptr<void> token;
};

class watch_source : public net::stream_source {
public:
  /// `store` must outlive the source (the server is stopped before the store goes).
  watch_source(const object_store& store, watch_request req);
  std::optional<std::string> next() override;

private:
  std::string encode(std::string_view type, const boost::json::object& obj) const;
  void poll();

  const object_store& store_;
  watch_request req_;
  std::uint64_t last_rv_;
  std::deque<std::string> pending_;
  bool ending_ = false;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point next_bookmark_;
};

} // namespace baorestore::devcluster::api
