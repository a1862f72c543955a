#include "actors/leader/election.hpp"

namespace baorestore::leader {

namespace {

model::lease_spec holding(std::string_view identity, model::micro_timestamp now,
                          const election_timing& timing) {
  model::lease_spec out;
  out.holder_identity = std::string{identity};
  out.lease_duration_seconds = static_cast<std::int32_t>(timing.lease_duration.count());
  out.acquire_time = now;
  out.renew_time = now;
  return out;
}

} // namespace

std::optional<std::string> validate(const election_timing& t) {
  using std::chrono::seconds;
  if (t.retry_period <= seconds{0})
    return "the retry period must be positive";
  if (t.renew_deadline <= t.retry_period)
    return "the renew deadline must be longer than the retry period";
  if (t.lease_duration <= t.renew_deadline)
    return "the lease duration must be longer than the renew deadline";
  return std::nullopt;
}

std::string_view to_string(election_action a) {
  switch (a) {
    case election_action::create:
      return "create";
    case election_action::take_over:
      return "take_over";
    case election_action::renew:
      return "renew";
    case election_action::follow:
      return "follow";
  }
  return "?";
}

std::optional<model::micro_timestamp> expiry_of(const model::lease_spec& spec) {
  if (!spec.renew_time)
    return std::nullopt;
  return *spec.renew_time + std::chrono::seconds{spec.lease_duration_seconds.value_or(0)};
}

bool is_expired(const model::lease_spec& spec, model::micro_timestamp now) {
  auto end = expiry_of(spec);
  return !end || *end < now;
}

bool is_released(const model::lease_spec& spec) {
  return spec.holder_identity.empty();
}

decision decide(const std::optional<model::lease>& current, std::string_view identity,
                bool leading, model::micro_timestamp now, const election_timing& timing) {
  if (!current) {
    decision d{election_action::create, holding(identity, now, timing), std::nullopt};
    d.spec.lease_transitions = 0;
    return d;
  }
  const auto& spec = current->spec;
  if (leading && spec.holder_identity == identity) {
    decision d{election_action::renew, spec, std::nullopt};
    d.spec.lease_duration_seconds = static_cast<std::int32_t>(timing.lease_duration.count());
    d.spec.renew_time = now;
    if (!d.spec.acquire_time)
      d.spec.acquire_time = now;
    return d;
  }
  if (is_released(spec) || is_expired(spec, now)) {
    decision d{election_action::take_over, holding(identity, now, timing), std::nullopt};
    // A change of holder is a transition; taking back our own expired Lease is none.
    auto transitions = spec.lease_transitions.value_or(0);
    d.spec.lease_transitions = spec.holder_identity == identity ? transitions
                                                                : transitions + 1;
    return d;
  }
  return decision{election_action::follow, spec, expiry_of(spec)};
}

model::lease_spec released(const model::lease_spec& current, model::micro_timestamp now) {
  model::lease_spec out;
  out.lease_duration_seconds = 1;
  out.acquire_time = now;
  out.renew_time = now;
  out.lease_transitions = current.lease_transitions;
  return out;
}

bool must_step_down(model::micro_timestamp last_renewal, model::micro_timestamp now,
                    const election_timing& timing) {
  return now - last_renewal >= timing.renew_deadline;
}

} // namespace baorestore::leader
