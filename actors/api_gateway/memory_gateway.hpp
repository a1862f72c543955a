#pragma once
// An in-process implementation of the gateway protocol over the embedded cluster's object
// store (devcluster::object_store), which holds the objects as JSON documents with the API
// server's semantics; this adapter encodes model values into it, decodes what it answers,
// and maps its errors to api_errc by HTTP code. What the protocol relies on: a global,
// strictly increasing resourceVersion; uid and creationTimestamp on create; 409
// AlreadyExists on a duplicate create; merge patches (RFC 7386) of objects and of their
// status subresource, with a resourceVersion precondition answered by 409 Conflict; 404
// NotFound.
//
// Details that tests may rely on, all as the API server does them: a patch of the object
// ignores `status` and one of the status subresource ignores everything else; server-managed
// metadata (uid, resourceVersion, generation, creationTimestamp) cannot be patched; a
// change of `spec` bumps metadata.generation; a patch that changes nothing writes nothing
// and keeps the resourceVersion; `metadata.resourceVersion` inside a patch is a precondition
// too; a write that leaves an object that does not decode as its kind is 422 invalid, a
// patch that is not a JSON object 400; a create ignores `status` and honours generateName;
// lists are sorted by namespace/name and carry the store's current resourceVersion. Uids
// are "uid-<n>". Unlike the CRD, it lets a restore's spec change (tests play any writer),
// and a foreground delete is one write (nothing here has dependents).
//
// It serves unit tests (deterministic, with scripted faults and outside writers) and
// benchmarks. The development cluster's HTTP server serves the same store over sockets.
// It serves no watches (a watch request is answered bad_request): the HTTP gateway does.
// Having no watch cache either, it answers a cached get (get_request::cached) as a live get.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/api_gateway/api_gateway.hpp"

namespace baorestore::gateway {

enum class verb : std::uint8_t { get, list, create, patch, patch_status, delete_, update };

std::string to_string(verb v);

/// One request the gateway served (or failed on purpose), for tests that assert the calls.
struct recorded_call {
  gateway::verb verb = verb::get;
  std::string kind; // "OpenBaoCluster", "OpenBaoRestore", "Job", "Secret", "Event",
                    // "ServiceAccount", "Lease"
  std::string namespace_;
  std::string name; // a create without a name records its generateName
  std::string precondition; // a patch's or an update's resourceVersion, or a delete's uid
                            // precondition
  bool injected_failure = false;
};

/// The store behind memory_gateway. Thread-safe: tests and benchmarks seed and inspect it,
/// and play writers outside the operator, while actors use it through the gateway.
class memory_store {
public:
  memory_store();
  ~memory_store();
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  /// Seed objects as a create would (resourceVersion, uid, creationTimestamp assigned).
  /// Replaces an existing object of the same namespace/name. Unlike a create, status is
  /// kept, and a uid, creationTimestamp or generation already set is kept too (seeding a
  /// known uid); the resourceVersion is always a fresh one (devcluster's object_store::seed).
  /// Throws std::invalid_argument without a name (or generateName) or namespace.
  model::openbao_cluster put(model::openbao_cluster x);
  model::openbao_restore put(model::openbao_restore x);
  model::job put(model::job x);
  model::secret put(model::secret x);
  model::service_account put(model::service_account x);
  model::lease put(model::lease x);

  std::optional<model::openbao_cluster> cluster(const std::string& ns,
                                                const std::string& name) const;
  std::optional<model::openbao_restore> restore(const std::string& ns,
                                                const std::string& name) const;
  std::optional<model::job> job(const std::string& ns, const std::string& name) const;
  std::optional<model::service_account> service_account(const std::string& ns,
                                                        const std::string& name) const;
  std::optional<model::lease> lease(const std::string& ns, const std::string& name) const;
  /// The events recorded in `ns`, sorted by name (the API server's list order).
  std::vector<model::event> events(const std::string& ns) const;

  /// A writer outside the operator (a person with kubectl, another operator): merge-patches
  /// the cluster's status subresource ({"status":{...}}) and bumps its resourceVersion
  /// (unless nothing changed). False if not found; throws std::invalid_argument for a patch
  /// that is not a JSON object or that the API server would refuse (invalid, stale
  /// metadata.resourceVersion). Neither recorded nor subject to fail_next.
  bool patch_cluster_status(const std::string& ns, const std::string& name,
                            const std::string& merge_patch);

  /// The next `count` requests with this verb fail with `code` (after being recorded, with
  /// injected_failure set), changing nothing. A later call replaces the script of the verb.
  void fail_next(gateway::verb v, api_errc code, int count = 1);

  std::vector<recorded_call> calls() const;
  void clear_calls();
  /// Turn call recording off (benchmarks).
  void record_calls(bool on);
  std::uint64_t resource_version() const;

private:
  /// The object store, the call log, the scripted faults and the protocol operations, which
  /// only the gateway behaviour calls (each returns the object or the API server's error).
  struct impl;
  friend api_gateway_actor::behavior_type memory_gateway(api_gateway_actor::pointer self,
                                                         std::shared_ptr<memory_store> store);
  std::unique_ptr<impl> impl_;
};

/// Spawnable behaviour: `sys.spawn(memory_gateway, store)`.
api_gateway_actor::behavior_type memory_gateway(api_gateway_actor::pointer self,
                                                std::shared_ptr<memory_store> store);

} // namespace baorestore::gateway
