#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace delvex::core {

using TimePoint = std::chrono::system_clock::time_point;

/// Source of wall-clock time. Everything that reads time takes one; tests pass a FakeClock.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that moves only when told to. Safe to read and advance from several threads.
class FakeClock final : public Clock {
public:
    explicit FakeClock(TimePoint start = TimePoint{std::chrono::seconds{1'800'000'000}})
        : ticks_(start.time_since_epoch().count()) {}

    TimePoint now() const override { return TimePoint{TimePoint::duration{ticks_.load()}}; }

    void set(TimePoint t) { ticks_.store(t.time_since_epoch().count()); }

    void advance(TimePoint::duration d) { ticks_.fetch_add(d.count()); }

private:
    std::atomic<TimePoint::rep> ticks_;
};

/// Unix seconds of a time point (what the store keeps).
inline std::int64_t to_unix(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// Unix milliseconds of a time point.
inline std::int64_t to_unix_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline TimePoint from_unix(std::int64_t seconds) {
    return TimePoint{std::chrono::seconds{seconds}};
}

}  // namespace delvex::core
