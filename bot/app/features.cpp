#include "bot/app/features.hpp"

#include "bot/community/regions.hpp"
#include "bot/events/rooms_feature.hpp"

namespace delvex::app {

std::vector<events::Feature*> FeatureSet::pointers() const {
    return order;
}

FeatureSet make_features(const FeatureDeps& deps) {
    FeatureSet set;
    auto rooms = std::make_unique<events::Rooms>(community::Regions::load(deps.config.home + "/config/regions.yaml"),
                                                 deps.catalog);
    // Order matters for messages: the rooms gate (STOP/START, onboarding) first, then features with a flow
    // in progress (forums, academy), and the rooms relay last, which takes whatever is left.
    set.order.push_back(&rooms->gate());

    // (forums and academy are added here, between the gate and the rooms)

    set.order.push_back(rooms.get());
    rooms->set_features(set.order);
    set.features.push_back(std::move(rooms));
    return set;
}

}  // namespace delvex::app
