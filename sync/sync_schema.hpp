#pragma once

#include "gateway/state/database.hpp"

namespace custbridge::sync {

// The sync bridge's part of the state database: jobs, id links, checkpoints, dead
// letters and run history, with their own migrations.
const state::schema& sync_schema();

}  // namespace custbridge::sync
