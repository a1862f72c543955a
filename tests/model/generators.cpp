#include "tests/model/generators.hpp"

namespace baorestore::test {

using namespace rc;

Gen<m::object_meta> object_meta() {
  auto owner = gen::build<m::owner_reference>(
    gen::set(&m::owner_reference::api_version, text()), gen::set(&m::owner_reference::kind, text()),
    gen::set(&m::owner_reference::name, text()), gen::set(&m::owner_reference::uid, text()),
    gen::set(&m::owner_reference::controller), gen::set(&m::owner_reference::block_owner_deletion));
  return gen::build<m::object_meta>(
    gen::set(&m::object_meta::name, text()), gen::set(&m::object_meta::generate_name, text()),
    gen::set(&m::object_meta::namespace_, text()), gen::set(&m::object_meta::uid, text()),
    gen::set(&m::object_meta::resource_version, text()), gen::set(&m::object_meta::generation),
    gen::set(&m::object_meta::labels, text_map()),
    gen::set(&m::object_meta::annotations, text_map()),
    gen::set(&m::object_meta::finalizers, text_list()),
    gen::set(&m::object_meta::owner_references, small_list(owner)),
    gen::set(&m::object_meta::creation_timestamp, optional_of(time_point())),
    gen::set(&m::object_meta::deletion_timestamp, optional_of(time_point())));
}

Gen<m::condition> condition() {
  return gen::build<m::condition>(
    gen::set(&m::condition::type, text()),
    gen::set(&m::condition::status, gen::element<std::string>("True", "False", "Unknown")),
    gen::set(&m::condition::reason, text()), gen::set(&m::condition::message, text()),
    gen::set(&m::condition::observed_generation),
    gen::set(&m::condition::last_transition_time, optional_of(time_point())));
}

Gen<m::backup_target> backup_target() {
  return gen::build<m::backup_target>(
    gen::set(&m::backup_target::provider, text()),
    gen::set(&m::backup_target::endpoint, text()), gen::set(&m::backup_target::bucket, text()),
    gen::set(&m::backup_target::path_prefix, text()),
    gen::set(&m::backup_target::credentials_secret_ref, optional_of(object_ref())),
    gen::set(&m::backup_target::part_size),
    gen::set(&m::backup_target::concurrency),
    gen::set(&m::backup_target::region, text()),
    gen::set(&m::backup_target::role_arn, text()),
    gen::set(&m::backup_target::use_path_style),
    gen::set(&m::backup_target::gcs,
             optional_of(gen::build<m::gcs_target>(gen::set(&m::gcs_target::project, text())))),
    gen::set(&m::backup_target::azure,
             optional_of(gen::build<m::azure_target>(
               gen::set(&m::azure_target::storage_account, text()),
               gen::set(&m::azure_target::container, text())))),
    gen::set(&m::backup_target::insecure_skip_verify));
}

Gen<m::openbao_restore> openbao_restore() {
  auto spec = gen::build<m::openbao_restore_spec>(
    gen::set(&m::openbao_restore_spec::cluster, text()),
    gen::set(&m::openbao_restore_spec::source,
             gen::build<m::restore_source>(gen::set(&m::restore_source::target, backup_target()),
                                           gen::set(&m::restore_source::key, text()))),
    gen::set(&m::openbao_restore_spec::jwt_auth_role, text()),
    gen::set(&m::openbao_restore_spec::token_secret_ref, optional_of(object_ref())),
    gen::set(&m::openbao_restore_spec::image, optional_of(text())),
    gen::set(&m::openbao_restore_spec::force),
    gen::set(&m::openbao_restore_spec::override_operation_lock));
  auto status = gen::build<m::openbao_restore_status>(
    gen::set(&m::openbao_restore_status::phase,
             gen::element(m::restore_phase::unset, m::restore_phase::pending,
                          m::restore_phase::validating, m::restore_phase::running,
                          m::restore_phase::completed, m::restore_phase::failed)),
    gen::set(&m::openbao_restore_status::start_time, optional_of(time_point())),
    gen::set(&m::openbao_restore_status::completion_time, optional_of(time_point())),
    gen::set(&m::openbao_restore_status::snapshot_key, text()),
    gen::set(&m::openbao_restore_status::snapshot_size),
    gen::set(&m::openbao_restore_status::message, text()),
    gen::set(&m::openbao_restore_status::conditions, small_list(condition())),
    gen::set(&m::openbao_restore_status::observed_generation));
  return gen::build<m::openbao_restore>(gen::set(&m::openbao_restore::metadata, object_meta()),
                                        gen::set(&m::openbao_restore::spec, spec),
                                        gen::set(&m::openbao_restore::status, status));
}

Gen<m::operation_lock> operation_lock() {
  return gen::build<m::operation_lock>(
    gen::set(&m::operation_lock::operation,
             gen::element(m::cluster_operation::restore, m::cluster_operation::backup,
                          m::cluster_operation::upgrade)),
    gen::set(&m::operation_lock::holder, text()), gen::set(&m::operation_lock::message, text()),
    gen::set(&m::operation_lock::acquired_at, optional_of(time_point())),
    gen::set(&m::operation_lock::renewed_at, optional_of(time_point())),
    gen::set(&m::operation_lock::fence, optional_of(gen::arbitrary<std::int64_t>())));
}

Gen<m::openbao_cluster> openbao_cluster() {
  auto backup = gen::build<m::backup_schedule>(
    gen::set(&m::backup_schedule::schedule, text()),
    gen::set(&m::backup_schedule::target, backup_target()),
    gen::set(&m::backup_schedule::jwt_auth_role, text()),
    gen::set(&m::backup_schedule::token_secret_ref, optional_of(object_ref())),
    gen::set(&m::backup_schedule::image, text()));
  auto self_init = gen::build<m::self_init_config>(
    gen::set(&m::self_init_config::enabled),
    gen::set(&m::self_init_config::oidc,
             optional_of(gen::build<m::self_init_oidc>(
               gen::set(&m::self_init_oidc::enabled),
               gen::set(&m::self_init_oidc::audience, text())))));
  auto spec = gen::build<m::openbao_cluster_spec>(
    gen::set(&m::openbao_cluster_spec::version, text()),
    gen::set(&m::openbao_cluster_spec::image, text()),
    gen::set(&m::openbao_cluster_spec::replicas),
    gen::set(&m::openbao_cluster_spec::tls,
             gen::build<m::tls_config>(gen::set(&m::tls_config::enabled),
                                       gen::set(&m::tls_config::mode, text()))),
    gen::set(&m::openbao_cluster_spec::backup, optional_of(backup)),
    gen::set(&m::openbao_cluster_spec::self_init, optional_of(self_init)));
  auto status = gen::build<m::openbao_cluster_status>(
    gen::set(&m::openbao_cluster_status::phase, text()),
    gen::set(&m::openbao_cluster_status::initialized),
    gen::set(&m::openbao_cluster_status::self_initialized),
    gen::set(&m::openbao_cluster_status::blue_green,
             optional_of(gen::build<m::blue_green_status>(
               gen::set(&m::blue_green_status::phase, text()),
               gen::set(&m::blue_green_status::blue_revision, text()),
               gen::set(&m::blue_green_status::green_revision, text())))),
    gen::set(&m::openbao_cluster_status::lock, optional_of(operation_lock())),
    gen::set(&m::openbao_cluster_status::conditions, small_list(condition())));
  return gen::build<m::openbao_cluster>(gen::set(&m::openbao_cluster::metadata, object_meta()),
                                        gen::set(&m::openbao_cluster::spec, spec),
                                        gen::set(&m::openbao_cluster::status, status));
}

namespace {

Gen<m::container> container() {
  auto sc = gen::build<m::container_security_context>(
    gen::set(&m::container_security_context::allow_privilege_escalation,
             optional_of(gen::arbitrary<bool>())),
    gen::set(&m::container_security_context::read_only_root_filesystem,
             optional_of(gen::arbitrary<bool>())),
    gen::set(&m::container_security_context::run_as_non_root,
             optional_of(gen::arbitrary<bool>())),
    gen::set(&m::container_security_context::privileged, optional_of(gen::arbitrary<bool>())),
    gen::set(&m::container_security_context::caps,
             optional_of(gen::build<m::capabilities>(gen::set(&m::capabilities::add, text_list()),
                                                     gen::set(&m::capabilities::drop,
                                                              text_list())))));
  return gen::build<m::container>(
    gen::set(&m::container::name, text()), gen::set(&m::container::image, text()),
    gen::set(&m::container::image_pull_policy, text()),
    gen::set(&m::container::command, text_list()), gen::set(&m::container::args, text_list()),
    gen::set(&m::container::env,
             small_list(gen::build<m::env_var>(gen::set(&m::env_var::name, text()),
                                               gen::set(&m::env_var::value, text())))),
    gen::set(&m::container::volume_mounts,
             small_list(gen::build<m::volume_mount>(gen::set(&m::volume_mount::name, text()),
                                                    gen::set(&m::volume_mount::mount_path, text()),
                                                    gen::set(&m::volume_mount::read_only)))),
    gen::set(&m::container::security_context, optional_of(sc)));
}

Gen<m::volume> volume() {
  auto token = gen::build<m::service_account_token_projection>(
    gen::set(&m::service_account_token_projection::audience, text()),
    gen::set(&m::service_account_token_projection::expiration_seconds,
             optional_of(gen::arbitrary<std::int64_t>())),
    gen::set(&m::service_account_token_projection::path, text()));
  return gen::build<m::volume>(
    gen::set(&m::volume::name, text()),
    gen::set(&m::volume::secret, optional_of(gen::build<m::secret_volume_source>(
                                   gen::set(&m::secret_volume_source::secret_name, text()),
                                   gen::set(&m::secret_volume_source::default_mode,
                                            optional_of(gen::arbitrary<std::int32_t>()))))),
    gen::set(&m::volume::empty_dir, optional_of(gen::build<m::empty_dir_volume_source>(
                                      gen::set(&m::empty_dir_volume_source::medium, text())))),
    gen::set(&m::volume::projected,
             optional_of(gen::build<m::projected_volume_source>(
               gen::set(&m::projected_volume_source::service_account_tokens, small_list(token)),
               gen::set(&m::projected_volume_source::default_mode,
                        optional_of(gen::arbitrary<std::int32_t>()))))));
}

} // namespace

Gen<m::job> job() {
  auto psc = gen::build<m::pod_security_context>(
    gen::set(&m::pod_security_context::run_as_non_root, optional_of(gen::arbitrary<bool>())),
    gen::set(&m::pod_security_context::run_as_user,
             optional_of(gen::arbitrary<std::int64_t>())),
    gen::set(&m::pod_security_context::run_as_group,
             optional_of(gen::arbitrary<std::int64_t>())),
    gen::set(&m::pod_security_context::fs_group, optional_of(gen::arbitrary<std::int64_t>())),
    gen::set(&m::pod_security_context::seccomp_profile_type, text()));
  auto pod = gen::build<m::pod_spec>(
    gen::set(&m::pod_spec::service_account_name, text()),
    gen::set(&m::pod_spec::automount_service_account_token, optional_of(gen::arbitrary<bool>())),
    gen::set(&m::pod_spec::restart_policy, text()),
    gen::set(&m::pod_spec::security_context, optional_of(psc)),
    gen::set(&m::pod_spec::containers, small_list(container())),
    gen::set(&m::pod_spec::volumes, small_list(volume())));
  auto spec = gen::build<m::job_spec>(
    gen::set(&m::job_spec::backoff_limit, optional_of(gen::arbitrary<std::int32_t>())),
    gen::set(&m::job_spec::active_deadline_seconds, optional_of(gen::arbitrary<std::int64_t>())),
    gen::set(&m::job_spec::ttl_seconds_after_finished,
             optional_of(gen::arbitrary<std::int32_t>())),
    gen::set(&m::job_spec::suspend, optional_of(gen::arbitrary<bool>())),
    gen::set(&m::job_spec::template_,
             gen::build<m::pod_template>(gen::set(&m::pod_template::labels, text_map()),
                                         gen::set(&m::pod_template::annotations, text_map()),
                                         gen::set(&m::pod_template::spec, pod))));
  auto cond = gen::build<m::job_condition>(
    gen::set(&m::job_condition::type, text()), gen::set(&m::job_condition::status, text()),
    gen::set(&m::job_condition::reason, text()), gen::set(&m::job_condition::message, text()),
    gen::set(&m::job_condition::last_probe_time, optional_of(time_point())),
    gen::set(&m::job_condition::last_transition_time, optional_of(time_point())));
  auto status = gen::build<m::job_status>(
    gen::set(&m::job_status::active), gen::set(&m::job_status::succeeded),
    gen::set(&m::job_status::failed),
    gen::set(&m::job_status::start_time, optional_of(time_point())),
    gen::set(&m::job_status::completion_time, optional_of(time_point())),
    gen::set(&m::job_status::conditions, small_list(cond)));
  return gen::build<m::job>(gen::set(&m::job::metadata, object_meta()),
                            gen::set(&m::job::spec, spec), gen::set(&m::job::status, status));
}

Gen<m::secret> secret() {
  // Secret data is bytes, not text: any byte string must survive base64.
  return gen::build<m::secret>(
    gen::set(&m::secret::metadata, object_meta()), gen::set(&m::secret::type, text()),
    gen::set(&m::secret::data,
             gen::container<std::map<std::string, std::string>>(text(),
                                                                gen::arbitrary<std::string>())));
}

Gen<m::event> event() {
  auto ref = gen::build<m::object_reference>(
    gen::set(&m::object_reference::api_version, text()),
    gen::set(&m::object_reference::kind, text()), gen::set(&m::object_reference::name, text()),
    gen::set(&m::object_reference::namespace_, text()),
    gen::set(&m::object_reference::uid, text()),
    gen::set(&m::object_reference::resource_version, text()));
  return gen::build<m::event>(
    gen::set(&m::event::metadata, object_meta()), gen::set(&m::event::involved_object, ref),
    gen::set(&m::event::reason, text()), gen::set(&m::event::message, text()),
    gen::set(&m::event::type, gen::element(m::event_type::normal, m::event_type::warning)),
    gen::set(&m::event::count),
    gen::set(&m::event::first_timestamp, optional_of(time_point())),
    gen::set(&m::event::last_timestamp, optional_of(time_point())),
    gen::set(&m::event::source,
             gen::build<m::event_source>(gen::set(&m::event_source::component, text()))),
    gen::set(&m::event::reporting_component, text()),
    gen::set(&m::event::reporting_instance, text()), gen::set(&m::event::action, text()));
}

Gen<m::service_account> service_account() {
  return gen::build<m::service_account>(
    gen::set(&m::service_account::metadata, object_meta()),
    gen::set(&m::service_account::automount_service_account_token,
             optional_of(gen::arbitrary<bool>())));
}

Gen<m::lease> lease() {
  auto spec = gen::build<m::lease_spec>(
    gen::set(&m::lease_spec::holder_identity, text()),
    gen::set(&m::lease_spec::lease_duration_seconds, optional_of(gen::arbitrary<std::int32_t>())),
    gen::set(&m::lease_spec::acquire_time, optional_of(micro_time_point())),
    gen::set(&m::lease_spec::renew_time, optional_of(micro_time_point())),
    gen::set(&m::lease_spec::lease_transitions, optional_of(gen::arbitrary<std::int32_t>())));
  return gen::build<m::lease>(gen::set(&m::lease::metadata, object_meta()),
                              gen::set(&m::lease::spec, spec));
}

Gen<m::api_status> api_status() {
  auto cause = gen::build<m::status_cause>(gen::set(&m::status_cause::reason, text()),
                                           gen::set(&m::status_cause::message, text()),
                                           gen::set(&m::status_cause::field, text()));
  auto details = gen::build<m::status_details>(
    gen::set(&m::status_details::name, text()), gen::set(&m::status_details::group, text()),
    gen::set(&m::status_details::kind, text()), gen::set(&m::status_details::uid, text()),
    gen::set(&m::status_details::causes, small_list(cause)),
    gen::set(&m::status_details::retry_after_seconds));
  return gen::build<m::api_status>(
    gen::set(&m::api_status::status, text()), gen::set(&m::api_status::message, text()),
    gen::set(&m::api_status::reason, text()), gen::set(&m::api_status::code),
    gen::set(&m::api_status::details, details));
}

} // namespace baorestore::test
