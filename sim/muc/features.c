/* features.c — the MUC's feature files, as mod_muc.lua loads its libs.
 * Order matters only among hooks of equal priority, which run in the
 * order listed here. */
#include "muc_internal.h"

const muc_hook *const muc_feature_hooks[] = {
	muc_core_hooks,
	muc_service_hooks,
	muc_message_hooks,
	muc_nick_hooks,
	muc_lock_hooks,
	muc_password_hooks,
	muc_members_only_hooks,
	muc_options_hooks,
	muc_history_hooks,
	muc_subject_hooks,
	muc_register_hooks,
	muc_occupant_id_hooks,
	NULL,
};

const muc_field *const muc_feature_fields[] = {
	muc_options_fields,
	muc_password_fields,
	muc_members_only_fields,
	muc_history_fields,
	muc_presence_broadcast_fields,
	NULL,
};
