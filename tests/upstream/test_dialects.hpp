#pragma once

#include "gateway/upstream/rate_limiter.hpp"

namespace custbridge::upstream {

// The two header dialects the shipped adapters use (Nuvemshop's leaky bucket and
// BigCommerce's fixed window), spelled out so the client's tests need no adapter.
inline const rate_limit_dialect leaky_bucket_dialect{rate_limit_dialect::model::leaky_bucket, "x-rate-limit-limit",
                                                     "x-rate-limit-remaining", "x-rate-limit-reset", ""};
inline const rate_limit_dialect fixed_window_dialect{rate_limit_dialect::model::fixed_window,
                                                     "x-rate-limit-requests-quota", "x-rate-limit-requests-left",
                                                     "x-rate-limit-time-reset-ms", "x-retry-after"};

}  // namespace custbridge::upstream
