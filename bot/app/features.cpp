#include "bot/app/features.hpp"

namespace delvex::app {

std::vector<events::Feature*> FeatureSet::pointers() const {
    std::vector<events::Feature*> out;
    out.reserve(features.size());
    for (const auto& f : features) {
        out.push_back(f.get());
    }
    return out;
}

FeatureSet make_features(const FeatureDeps& deps) {
    FeatureSet set;
    (void)deps;
    // Order matters for messages: the rooms gate (STOP/START, onboarding) first, then features with a flow
    // in progress (forums, academy), and the rooms relay last, which takes whatever is left.
    return set;
}

}  // namespace delvex::app
